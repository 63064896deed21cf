/// <reference lib="webworker" />
// Tokenizes off the main thread, so pasting a megabyte never freezes the page.
import type { TokenizerRequest } from './protocol';
import { createRequestHandler } from './requestHandler';

const handle = createRequestHandler();

self.addEventListener('message', (event: MessageEvent<TokenizerRequest>) => {
  void handle(event.data).then((response) => self.postMessage(response));
});
