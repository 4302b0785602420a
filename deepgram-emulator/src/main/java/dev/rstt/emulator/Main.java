package dev.rstt.emulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Standalone: {@code java -jar deepgram-emulator-exec.jar [--port 8090] [--idle-timeout 10s] [--api-keys a,b]
 * [--max-live-connections 2000] [--max-prerecorded-concurrency 100] [--bind-address 0.0.0.0]}. Environment:
 * {@code EMULATOR_PORT}, {@code EMULATOR_IDLE_TIMEOUT}, {@code EMULATOR_API_KEYS},
 * {@code EMULATOR_MAX_LIVE_CONNECTIONS}. Command-line options win over the environment.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "deepgram-emulator-logback.xml");
    }
    EmulatorSettings settings;
    try {
      settings = settings(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("deepgram-emulator: " + e.getMessage());
      System.exit(2);
      return;
    }
    DeepgramEmulator emulator = DeepgramEmulator.start(settings);
    System.out.println("deepgram-emulator listening on " + emulator.httpUrl());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      stopped.countDown();
    }, "emulator-shutdown"));
    stopped.await();
  }

  static EmulatorSettings settings(String[] args, java.util.Map<String, String> env) {
    EmulatorSettings s = EmulatorSettings.defaults();
    if (env.get("EMULATOR_PORT") != null) {
      s = s.withPort(integer("EMULATOR_PORT", env.get("EMULATOR_PORT")));
    }
    if (env.get("EMULATOR_IDLE_TIMEOUT") != null) {
      s = s.withIdleTimeout(duration("EMULATOR_IDLE_TIMEOUT", env.get("EMULATOR_IDLE_TIMEOUT")));
    }
    if (env.get("EMULATOR_API_KEYS") != null) {
      s = s.withApiKeys(keys(env.get("EMULATOR_API_KEYS")));
    }
    if (env.get("EMULATOR_MAX_LIVE_CONNECTIONS") != null) {
      s = s.withMaxLiveConnections(integer("EMULATOR_MAX_LIVE_CONNECTIONS", env.get("EMULATOR_MAX_LIVE_CONNECTIONS")));
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String key = arg;
      String value;
      if (arg.contains("=")) {
        key = arg.substring(0, arg.indexOf('='));
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
      switch (key) {
        case "--port" -> s = s.withPort(integer("port", value));
        case "--idle-timeout" -> s = s.withIdleTimeout(duration("idle-timeout", value));
        case "--api-keys" -> s = s.withApiKeys(keys(value));
        case "--max-live-connections" -> s = s.withMaxLiveConnections(integer("max-live-connections", value));
        case "--max-prerecorded-concurrency" ->
            s = s.withMaxPrerecordedConcurrency(integer("max-prerecorded-concurrency", value));
        case "--bind-address" -> s = s.withBindAddress(value);
        default -> throw new IllegalArgumentException("unknown option " + key);
      }
    }
    return s;
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value + ": not an integer");
    }
  }

  /** {@code 10s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration ({@code PT10S}). */
  static Duration duration(String key, String value) {
    String v = value.trim().toLowerCase();
    try {
      if (v.startsWith("pt")) {
        return Duration.parse(v.toUpperCase());
      } else if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofMillis(Long.parseLong(v));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value + ": not a duration");
    }
  }

  private static Set<String> keys(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(k -> !k.isEmpty()).collect(Collectors.toSet());
  }
}
