// The policy a strict company page sends: no inline styles or scripts, Trusted Types for the DOM
// sinks (Lit's own policy is `lit-html`).
export const CSP_HEADER =
  "default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html attnviz";
