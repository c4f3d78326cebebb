import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/**
 * A Java Kafka client for Pulse's tests: what an ordinary Java service sends and reads, with the
 * Kafka client jars the twin resolves. Modes:
 *   produce BROKERS TOPIC CODEC    sends stdin's lines "key<TAB>value" with compression.type=CODEC
 *   consume BROKERS TOPIC COUNT MS  prints "key<TAB>value" of the first COUNT records of TOPIC (all partitions)
 *   compress CODEC / decompress CODEC  stdin to stdout with the codec stream a producer's batch uses
 */
public final class PulseJavaClient {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1], args[2], args[3]);
      case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
      case "compress" -> compress(args[1]);
      case "decompress" -> decompress(args[1]);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void produce(String brokers, String topic, String codec) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", brokers);
    props.put("compression.type", codec);
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    // Long enough that each partition's records go in one compressed batch of several records.
    props.put("linger.ms", "200");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    int sent = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        BufferedReader lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        int tab = line.indexOf('\t');
        producer.send(new ProducerRecord<>(topic, line.substring(0, tab), line.substring(tab + 1)));
        sent += 1;
      }
      producer.flush();
    }
    System.out.println("sent " + sent);
  }

  private static void consume(String brokers, String topic, int count, long timeoutMs) {
    Properties props = new Properties();
    props.put("bootstrap.servers", brokers);
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) partitions.add(new TopicPartition(topic, info.partition()));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + timeoutMs;
      int read = 0;
      while (read < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          System.out.println(record.key() + "\t" + record.value());
          read += 1;
        }
      }
    }
  }

  private static void compress(String codec) throws Exception {
    byte[] input = System.in.readAllBytes();
    ByteBufferOutputStream buffer = new ByteBufferOutputStream(1024);
    try (OutputStream out = Compression.of(codec).build().wrapForOutput(buffer, (byte) 2)) {
      out.write(input);
    }
    ByteBuffer bytes = buffer.buffer();
    bytes.flip();
    System.out.write(bytes.array(), bytes.arrayOffset(), bytes.remaining());
    System.out.flush();
  }

  private static void decompress(String codec) throws Exception {
    byte[] input = System.in.readAllBytes();
    try (InputStream in = Compression.of(codec).build().wrapForInput(ByteBuffer.wrap(input), (byte) 2, BufferSupplier.NO_CACHING)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      System.out.write(out.toByteArray());
      System.out.flush();
    }
  }
}
