import { expect } from '@open-wc/testing';
import { CSP_HEADER } from './policy.js';

interface CspReport {
  violations: string[];
  errors: string[];
  overlaps: string[];
  rowCounts: Record<string, number>;
  flowLayers: string[];
  workers: string[];
}

/** Loads the CSP page in an iframe and waits for its report. */
function loadPage(): Promise<{ report: CspReport; header: string | null }> {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.style.width = '1000px';
    frame.style.height = '1600px';
    const timer = setTimeout(() => reject(new Error('the CSP page sent no report in 15 s')), 15_000);
    window.addEventListener('message', function onMessage(e: MessageEvent<CspReport>) {
      if (e.source !== frame.contentWindow) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      frame.remove();
      resolve({ report: e.data, header: null });
    });
    frame.src = '/test/csp/page.html';
    document.body.append(frame);
  });
}

describe('the built bundle under a strict Content Security Policy', () => {
  it('is served with the policy', async () => {
    const response = await fetch('/test/csp/page.html');
    expect(response.headers.get('content-security-policy')).to.equal(CSP_HEADER);
  });

  it('renders the head, model (with its detail) and neuron views with no violation, error or overlapping rows', async () => {
    const { report } = await loadPage();
    expect(report.violations, 'securitypolicyviolation events').to.deep.equal([]);
    expect(report.errors, 'views showing an error').to.deep.equal([]);
    expect(report.overlaps, 'overlapping token rows').to.deep.equal([]);
    // Each view drew its token rows (8 tokens a column; the model view's grid has none itself).
    expect(report.rowCounts['head']).to.be.at.least(16);
    expect(report.rowCounts['detail']).to.be.at.least(16);
    expect(report.rowCounts['neuron']).to.be.at.least(8);
  });

  it('computes attention flow in its module worker, beside the bundle, with no violation', async () => {
    const { report } = await loadPage();
    expect(report.violations.join('\n')).to.equal('');
    expect(report.workers).to.deep.equal(['/dist/derive-worker.js']);
    expect(report.flowLayers).to.deep.equal(['flow to layer 0', 'flow to layer 1']);
    expect(report.rowCounts['flow']).to.be.at.least(16);
  });
});
