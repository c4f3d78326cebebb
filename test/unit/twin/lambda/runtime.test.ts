import { createLambdaContext } from '../../../../twin/lambda/runtime';

describe('createLambdaContext', () => {
  it('gives every invocation a real context with a fresh request id and a deadline', () => {
    const first = createLambdaContext({ functionName: 'pulse-enrichment', timeoutMs: 10_000, logStreamName: 'stream' });
    const second = createLambdaContext({ functionName: 'pulse-enrichment' });
    expect(first.functionName).toBe('pulse-enrichment');
    expect(first.functionVersion).toBe('$LATEST');
    expect(first.invokedFunctionArn).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:pulse-enrichment$/);
    expect(first.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
    expect(first.logGroupName).toBe('/aws/lambda/pulse-enrichment');
    expect(first.logStreamName).toBe('stream');
    expect(second.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(first.getRemainingTimeInMillis()).toBeGreaterThan(9_000);
    expect(first.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
    expect(() => first.succeed('x')).toThrow(/not supported by the local twin/);
  });
});
