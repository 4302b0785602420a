package dev.rstt.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every constant in the repository that could be an HS256 secret: a literal of at least 32 bytes without
 * whitespace (HS256 keys are at least 256 bits), found in quoted strings, shell defaults ({@code ${X:-value}}) and
 * {@code KEY=value} / {@code KEY: value} assignments of every source, script, compose, config and documentation
 * file; plus the development secrets of earlier versions, which anyone can read in the history.
 */
public final class RepositoryConstants {

  /** Built-in development secrets of earlier versions (removed; still public in the history). */
  public static final Set<String> FORMER_DEFAULTS = Set.of(
      "rstt-dev-secret-change-me-0123456789abcdef",
      "rstt-local-development-secret-change-me-0123456789",
      "e2e-secret-0123456789-0123456789-0123456789",
      "web-listen-it-secret-0123456789-0123456789",
      "a-test-secret-0123456789-0123456789-0123",
      "a-development-secret-of-32-bytes-or-more",
      "an-attackers-secret-that-is-long-enough-32",
      "another-secret-that-is-long-enough-for-hs256");

  private static final Pattern QUOTED = Pattern.compile("[\"'`]([^\"'`\\s\\\\]{32,512})[\"'`]");
  private static final Pattern SHELL_DEFAULT = Pattern.compile("\\$\\{[A-Za-z0-9_]+:?-([^}\\s]{32,512})}");
  private static final Pattern ASSIGNMENT = Pattern.compile("(?m)[A-Za-z0-9_.-]+\\s*[=:]\\s*([^\\s\"'`]{32,512})\\s*$");
  private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", ".git", ".pipeline", ".idea");
  private static final Set<String> EXTENSIONS = Set.of("java", "yml", "yaml", "md", "sh", "properties", "json",
      "mjs", "js", "html", "env", "xml", "toml", "conf", "txt");

  private RepositoryConstants() {
  }

  /** The repository's root (the directory with the parent pom and the {@code pipeline} script). */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.exists(dir.resolve("pipeline")) && Files.exists(dir.resolve("pom.xml")))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** Every candidate secret: constants of 32+ bytes without whitespace, and the former defaults. */
  public static Set<String> candidates() {
    Set<String> found = new TreeSet<>(FORMER_DEFAULTS);
    try (Stream<Path> files = Files.walk(root())) {
      files.filter(RepositoryConstants::scanned).forEach(f -> scan(f, found));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** The candidates that look like secrets by name or shape (for the tests that cost a socket each). */
  public static Set<String> secretLooking() {
    Set<String> out = new TreeSet<>();
    for (String c : candidates()) {
      String l = c.toLowerCase(Locale.ROOT);
      if (l.contains("secret") || l.contains("passw") || l.contains("key") || l.contains("token")
          || FORMER_DEFAULTS.contains(c) || c.matches("[A-Za-z0-9+/_=-]{32,}") && !c.contains(".")) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean scanned(Path p) {
    for (Path part : root().relativize(p)) {
      if (SKIPPED_DIRS.contains(part.toString())) {
        return false;
      }
    }
    if (!Files.isRegularFile(p)) {
      return false;
    }
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return name.equals("pipeline") || name.equals("test") || name.equals("Dockerfile") || name.startsWith(".env")
        || (dot > 0 && EXTENSIONS.contains(name.substring(dot + 1)));
  }

  private static void scan(Path file, Set<String> found) {
    String text;
    try {
      if (Files.size(file) > 2_000_000) {
        return;
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return; // not text
    }
    for (Pattern p : new Pattern[] {QUOTED, SHELL_DEFAULT, ASSIGNMENT}) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        String value = m.group(1);
        if (value.getBytes(StandardCharsets.UTF_8).length >= 32) {
          found.add(value);
        }
      }
    }
  }
}
