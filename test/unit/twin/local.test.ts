import { ConfigurationError } from '../../../lambdas/config/errors';
import { startLocalPipeline } from '../../../twin/local';

describe('startLocalPipeline', () => {
  it('refuses bad options by name before it starts or connects to anything', async () => {
    // Prepare
    const onProgress = jest.fn();

    // Act
    const starting = startLocalPipeline({ backend: 'external', port: 'http', kafkaBrokers: 'localhost:9092', onProgress });

    // Assess
    await expect(starting).rejects.toThrow(ConfigurationError);
    await expect(startLocalPipeline({ backend: 'external', port: 'http', onProgress })).rejects.toThrow('--port: must be a port from 1 to 65535 (got "http")');
    expect(onProgress).not.toHaveBeenCalled();
  });
});
