import type { CloudError } from '../../src/cloud/errors.js';

/** The CloudError a call fails with; a call that succeeds fails the test. */
export const rejection = (promise: Promise<unknown>): Promise<CloudError> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as CloudError,
  );
