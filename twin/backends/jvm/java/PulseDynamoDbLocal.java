/*
 * DynamoDB Local has no option to choose its bind address (Jetty listens on every interface), and
 * the twin must only listen on loopback. This launcher does what ServerRunner does, minus
 * telemetry, but sets the Jetty connector's host first. It is compiled once per cache key.
 */
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** Starts DynamoDB Local bound to the host in -Dpulse.bindHost (default 127.0.0.1). */
public final class PulseDynamoDbLocal {
  public static void main(String[] args) {
    String host = System.getProperty("pulse.bindHost", "127.0.0.1");
    try {
      DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      Server server = (Server) field.get(proxy);
      for (Connector connector : server.getConnectors()) {
        ((ServerConnector) connector).setHost(host);
      }
      proxy.start();
      System.out.println("DynamoDB Local listening on " + host + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    } catch (Throwable e) {
      // Jetty's non-daemon threads would otherwise keep a half-started JVM alive.
      e.printStackTrace();
      System.exit(1);
    }
  }
}
