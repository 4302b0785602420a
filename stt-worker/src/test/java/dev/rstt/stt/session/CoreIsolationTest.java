package dev.rstt.stt.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The session core does no I/O, reads no clock, draws no random number and starts no thread: none of its
 * compiled classes refers to Kafka, the JDK's HTTP/WebSocket client, {@code java.util.concurrent}, clocks,
 * random sources, the ULID generator, Spring or the shell.
 */
class CoreIsolationTest {

  private static final List<String> FORBIDDEN = List.of(
      "org/apache/kafka", "java/net/http", "java/util/concurrent", "java/time/Clock", "java/time/Instant",
      "nanoTime", "currentTimeMillis", "java/util/Random", "java/security/SecureRandom", "com/github/f4b6a3",
      "java/lang/Thread", "org/springframework", "io/github/resilience4j", "dev/rstt/stt/internal",
      "java/io/File", "java/nio/channels", "java/nio/file", "java/net/Socket");

  @Test
  void shouldReferToNothingThatDoesIoOrReadsTimeOrChance() throws Exception {
    List<Path> classes = classFiles();
    assertThat(classes).as("compiled core classes").hasSizeGreaterThan(10);
    List<String> violations = new ArrayList<>();
    for (Path c : classes) {
      String constants = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
      for (String f : FORBIDDEN) {
        if (constants.contains(f)) {
          violations.add(c.getFileName() + " refers to " + f);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void shouldCatchAClassThatDoesIo() throws Exception {
    Path shell = Path.of(dev.rstt.stt.internal.PartitionProgress.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).resolve("dev/rstt/stt/internal/SttEngine.class");
    String constants = new String(Files.readAllBytes(shell), StandardCharsets.ISO_8859_1);
    assertThat(FORBIDDEN.stream().filter(constants::contains)).as("the check sees a shell class's references")
        .contains("org/apache/kafka");
  }

  private static List<Path> classFiles() throws IOException, URISyntaxException {
    Path root = Path.of(SessionCore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.list(root.resolve("dev/rstt/stt/session"))) {
      return files.filter(p -> p.toString().endsWith(".class")).toList();
    }
  }
}
