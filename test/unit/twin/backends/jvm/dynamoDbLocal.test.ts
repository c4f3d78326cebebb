import { dynamoDbLocalArgs } from '../../../../../twin/backends/jvm/dynamoDbLocal';

describe('dynamoDbLocalArgs', () => {
  test('keeps data in memory unless a data dir is given', () => {
    expect(dynamoDbLocalArgs({ port: 8000 })).toEqual(['-port', '8000', '-sharedDb', '-disableTelemetry', '-inMemory']);
    expect(dynamoDbLocalArgs({ port: 8001, dataDir: '/d' })).toEqual(['-port', '8001', '-sharedDb', '-disableTelemetry', '-dbPath', '/d']);
  });
});
