// What makes a folder a kernel tree: the engine's own test, re-exported for the client (which decides by it which
// documents to hand the server) so that both sides can never disagree.

export { isKernelTree, kernelTreeAround } from '../server/src/engine/kernel/tree';
