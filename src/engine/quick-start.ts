// The V8 flag of a quick start (parser.ts preferQuickStart), alone in its module: the bundle
// loader (src/bundle-loader.ts) sets it before it loads anything else.
export const QUICK_START_FLAG = '--liftoff-only';
