package dev.rstt.tools;

import java.util.Arrays;

/** Entry point of the tools jar: {@code java -jar pipeline-tools-exec.jar <kafka|stream|bench|kafka-setup|sample-wav> [args]}. */
public final class Tools {

  private Tools() {
  }

  public static void main(String[] args) throws Exception {
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
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.err.println("usage: pipeline-tools <kafka|stream|bench|kafka-setup|sample-wav> [args]");
  }
}
