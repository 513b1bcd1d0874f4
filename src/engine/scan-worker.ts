// Entry of one scan worker thread when rxfix runs from dist/src (the bundle has its own entry).
import { runScanWorker } from './scan-worker-main.js';

await runScanWorker((url) => import(url));
