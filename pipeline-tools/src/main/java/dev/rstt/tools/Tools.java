package dev.rstt.tools;

import java.util.Arrays;

/** Entry point of the tools jar: {@code java -jar pipeline-tools-exec.jar <kafka|stream|bench|kafka-setup|chaos|sample-wav> [args]}. */
public final class Tools {

  private Tools() {
  }

  /**
   * Idle pooled connections of the JDK HTTP client live 1200 s by default, past the services' 60 s HTTP idle
   * timeout: a request sent on a connection the server is closing fails ("header parser received no bytes").
   * Kept below it unless set on the command line. Read once, when the first client is built.
   */
  static final String KEEPALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";

  public static void main(String[] args) throws Exception {
    if (System.getProperty(KEEPALIVE_PROPERTY) == null) {
      System.setProperty(KEEPALIVE_PROPERTY, "20");
    }
    if (args.length == 0) {
      usage();
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "kafka" -> LocalKafka.main(rest);
      case "stream" -> StreamCli.main(rest);
      case "sample-wav" -> SampleWav.main(rest);
      case "bench" -> BenchCli.main(rest);
      case "kafka-setup" -> KafkaSetupCli.main(rest);
      case "chaos" -> dev.rstt.tools.chaos.ChaosCli.main(rest);
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.err.println("usage: pipeline-tools <kafka|stream|bench|kafka-setup|chaos|sample-wav> [args]");
  }
}
