package dev.rstt.batch.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.batch.chunking.CutPolicy;
import dev.rstt.batch.deepgram.Transcript;
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
 * The session core does no I/O, reads no clock, draws no random number and starts no thread: none of its compiled
 * classes (nor the chunking rules and the transcript record it uses) refers to Kafka, the JDK's HTTP client,
 * {@code java.util.concurrent}, clocks, random sources, the ULID generator, Spring, Resilience4j, Micrometer or the
 * shell.
 */
class CoreIsolationTest {

  private static final List<String> FORBIDDEN = List.of(
      "org/apache/kafka", "java/net/http", "java/util/concurrent", "java/time/Clock", "java/time/Instant",
      "nanoTime", "currentTimeMillis", "java/util/Random", "java/security/SecureRandom", "com/github/f4b6a3",
      "java/lang/Thread", "org/springframework", "io/github/resilience4j", "io/micrometer", "dev/rstt/batch/internal",
      "java/io/File", "java/nio/channels", "java/nio/file", "java/net/Socket");

  @Test
  void shouldReferToNothingThatDoesIoOrReadsTimeOrChance() throws Exception {
    List<Path> classes = new ArrayList<>(classFiles(SessionCore.class, "dev/rstt/batch/session", ""));
    assertThat(classes).as("compiled core classes").hasSizeGreaterThan(15);
    classes.addAll(classFiles(CutPolicy.class, "dev/rstt/batch/chunking", ""));
    classes.addAll(classFiles(Transcript.class, "dev/rstt/batch/deepgram", "Transcript"));
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
    Path shell = root(SessionCore.class).resolve("dev/rstt/batch/internal/BatchEngine.class");
    String constants = new String(Files.readAllBytes(shell), StandardCharsets.ISO_8859_1);
    assertThat(FORBIDDEN.stream().filter(constants::contains)).as("the check sees a shell class's references")
        .contains("org/apache/kafka");
  }

  private static Path root(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static List<Path> classFiles(Class<?> anchor, String dir, String prefix)
      throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(root(anchor).resolve(dir))) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".class"))
          .toList();
    }
  }
}
