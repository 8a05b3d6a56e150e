import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { FrameController } from '../../src/components/shared/frame-controller.js';

/** The least of a host a controller needs. */
function host(): ReactiveControllerHost & { controllers: ReactiveController[] } {
  const controllers: ReactiveController[] = [];
  return {
    controllers,
    addController: (c) => controllers.push(c),
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FrameController', () => {
  it('idle(fn, delay) runs fn once the browser is idle, not before delay ms', async () => {
    const frames = new FrameController(host());
    const start = performance.now();
    let ran = -1;
    frames.idle(() => (ran = performance.now() - start), 120);
    await sleep(60);
    expect(ran, 'not yet').to.equal(-1);
    await sleep(1300);
    expect(ran).to.be.at.least(120);
  });

  it('cancel() drops an idle callback still waiting out its delay', async () => {
    const frames = new FrameController(host());
    let ran = false;
    frames.idle(() => (ran = true), 50);
    frames.cancel();
    await sleep(1200);
    expect(ran).to.equal(false);
  });

  it('hostDisconnected() drops frames and idle callbacks', async () => {
    const h = host();
    const frames = new FrameController(h);
    let ran = 0;
    frames.request(() => ran++);
    frames.idle(() => ran++);
    frames.idle(() => ran++, 30);
    h.controllers[0]!.hostDisconnected!();
    await sleep(1200);
    expect(ran).to.equal(0);
    expect(frames.pending).to.equal(false);
  });
});
