/** The strict Content-Security-Policy header the CSP test page is served with. */
export declare const CSP_HEADER: string;
