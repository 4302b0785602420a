package dev.rstt.emulator;

import dev.rstt.emulator.internal.BadRequestException;
import dev.rstt.emulator.internal.RealismJson;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Standalone: {@code java -jar deepgram-emulator-exec.jar [--port 8090] [--idle-timeout 10s] [--http-idle-timeout 60s] [--api-keys a,b]
 * [--max-live-connections 2000] [--max-prerecorded-concurrency 100] [--bind-address 0.0.0.0]
 * [--admin-access loopback|any] [--admin-cors-origin http://localhost:8080] [--realism off|on|<json>]
 * [--realism-seed 42]}. Environment: {@code EMULATOR_PORT}, {@code EMULATOR_IDLE_TIMEOUT}, {@code EMULATOR_HTTP_IDLE_TIMEOUT}, {@code EMULATOR_API_KEYS},
 * {@code EMULATOR_MAX_LIVE_CONNECTIONS}, {@code EMULATOR_ADMIN_ACCESS}, {@code EMULATOR_ADMIN_CORS_ORIGINS},
 * {@code EMULATOR_REALISM}, {@code EMULATOR_REALISM_SEED}. Command-line options win over the environment.
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
    System.out.println("deepgram-emulator listening on " + emulator.httpUrl() + " (admin API: "
        + settings.adminAccess().name().toLowerCase(Locale.ROOT) + " clients" + (settings.realism().enabled()
        ? "; realism on, seed " + settings.realism().seed() : "") + ")");
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
    if (env.get("EMULATOR_HTTP_IDLE_TIMEOUT") != null) {
      s = s.withHttpIdleTimeout(duration("EMULATOR_HTTP_IDLE_TIMEOUT", env.get("EMULATOR_HTTP_IDLE_TIMEOUT")));
    }
    if (env.get("EMULATOR_API_KEYS") != null) {
      s = s.withApiKeys(keys(env.get("EMULATOR_API_KEYS")));
    }
    if (env.get("EMULATOR_MAX_LIVE_CONNECTIONS") != null) {
      s = s.withMaxLiveConnections(integer("EMULATOR_MAX_LIVE_CONNECTIONS", env.get("EMULATOR_MAX_LIVE_CONNECTIONS")));
    }
    if (env.get("EMULATOR_ADMIN_ACCESS") != null) {
      s = s.withAdminAccess(access("EMULATOR_ADMIN_ACCESS", env.get("EMULATOR_ADMIN_ACCESS")));
    }
    if (env.get("EMULATOR_ADMIN_CORS_ORIGINS") != null) {
      s = s.withAdminCorsOrigins(keys(env.get("EMULATOR_ADMIN_CORS_ORIGINS")));
    }
    if (env.get("EMULATOR_REALISM") != null) {
      s = s.withRealism(realism("EMULATOR_REALISM", env.get("EMULATOR_REALISM")));
    }
    Long seed = env.get("EMULATOR_REALISM_SEED") == null ? null
        : longValue("EMULATOR_REALISM_SEED", env.get("EMULATOR_REALISM_SEED"));
    java.util.Set<String> corsOrigins = new java.util.LinkedHashSet<>();
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
        case "--http-idle-timeout" -> s = s.withHttpIdleTimeout(duration("http-idle-timeout", value));
        case "--api-keys" -> s = s.withApiKeys(keys(value));
        case "--max-live-connections" -> s = s.withMaxLiveConnections(integer("max-live-connections", value));
        case "--max-prerecorded-concurrency" ->
            s = s.withMaxPrerecordedConcurrency(integer("max-prerecorded-concurrency", value));
        case "--bind-address" -> s = s.withBindAddress(value);
        case "--admin-access" -> s = s.withAdminAccess(access("admin-access", value));
        case "--admin-cors-origin" -> corsOrigins.addAll(keys(value));
        case "--realism" -> s = s.withRealism(realism("realism", value));
        case "--realism-seed" -> seed = longValue("realism-seed", value);
        default -> throw new IllegalArgumentException("unknown option " + key);
      }
    }
    if (!corsOrigins.isEmpty()) {
      s = s.withAdminCorsOrigins(corsOrigins);
    }
    if (seed != null) {
      if (!s.realism().enabled()) {
        throw new IllegalArgumentException("Invalid emulator setting realism-seed=" + seed
            + ": realism is off (add --realism on)");
      }
      s = s.withRealism(s.realism().withSeed(seed));
    }
    return s;
  }

  private static EmulatorSettings.AdminAccess access(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "loopback" -> EmulatorSettings.AdminAccess.LOOPBACK;
      case "any" -> EmulatorSettings.AdminAccess.ANY;
      default -> throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value
          + ": must be loopback or any");
    };
  }

  /** {@code off}, {@code on} (the defaults of {@link Realism#on}) or the JSON of {@code PUT /__emulator/realism}. */
  static Realism realism(String key, String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")) {
      return Realism.OFF;
    }
    if (v.equalsIgnoreCase("on") || v.equalsIgnoreCase("true")) {
      return Realism.on(1);
    }
    try {
      return RealismJson.parse(v);
    } catch (BadRequestException e) {
      throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value + ": " + e.getMessage()
          + " (use off, on or a JSON object)");
    }
  }

  private static long longValue(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid emulator setting " + key + "=" + value + ": not an integer");
    }
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
