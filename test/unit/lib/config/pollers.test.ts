import { PIPELINE } from '../../../../lambdas/config/pipeline';
import { configFromContext } from '../../../../lib/config';
import { contextProblems } from '../../../helpers/cdkContext';

describe('configFromContext: provisioned pollers', () => {
  it('turns provisioned pollers on with either bound, capping the maximum at the partition count by default', () => {
    // Act
    const config = configFromContext({ minPollers: '1' });

    // Assess
    expect(config.pollers).toEqual({
      minimumPollers: 1,
      maximumPollers: PIPELINE.topics.partitions,
      errorHandling: { retryPolicy: { maximumRetryAttempts: -1, maximumRecordAgeMs: -1, bisectBatchOnError: false }, onFailure: 'none' },
    });
  });

  it('reads the error handling of provisioned pollers', () => {
    // Act
    const config = configFromContext({
      minPollers: 2,
      maxPollers: 6,
      retryAttempts: 3,
      maxRecordAgeSeconds: 3600,
      bisectOnError: 'true',
      onFailure: 'kafka',
    });

    // Assess
    expect(config.pollers).toEqual({
      minimumPollers: 2,
      maximumPollers: 6,
      errorHandling: { retryPolicy: { maximumRetryAttempts: 3, maximumRecordAgeMs: 3_600_000, bisectBatchOnError: true }, onFailure: 'kafka' },
    });
  });

  it.each([
    [{ onFailure: 'lambda', minPollers: 1 }, 'onFailure: must be one of none, kafka, sqs, sns, s3 (got "lambda")'],
    [{ minPollers: 4, maxPollers: 2 }, 'maxPollers: must be at least minPollers (2 < 4)'],
    [{ minPollers: 1, maxRecordAgeSeconds: 30 }, 'maxRecordAgeSeconds: must be -1 or from 60 to 604800 (got 30)'],
    [{ retryAttempts: 3 }, 'retryAttempts: only valid with provisioned pollers'],
    [{ bisectOnError: true }, 'bisectOnError: only valid with provisioned pollers'],
    [{ onFailure: 'sqs' }, 'onFailure: only valid with provisioned pollers: set minPollers (and maxPollers); AWS offers it in provisioned mode only'],
    [{ minPollers: 1, onFailure: 'sqs' }, 'retryAttempts: required with onFailure, from 0 to 10000: with an on-failure destination AWS caps "retry until success" (-1) at 10 retries'],
    [{ minPollers: 1, onFailure: 'kafka', retryAttempts: -1 }, 'retryAttempts: required with onFailure, from 0 to 10000'],
  ])('refuses %j with a message naming the setting and the valid choices', (context, message) => {
    // Act
    const problems = contextProblems(context);

    // Assess
    expect(problems).toContain(message);
  });
});
