/** The Lambda API double lives with the local sandbox now; tests keep importing it from here. */
export { FakeLambda } from '../../src/dev/sandbox/lambda-api.ts';
