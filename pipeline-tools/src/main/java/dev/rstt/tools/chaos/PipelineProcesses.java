package dev.rstt.tools.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The processes of {@code ./pipeline up}, which supervises them: it writes {@code <state>/pids} ({@code name=pid} per
 * line, rewritten on every start) and restarts a process that exited unless {@code <state>/hold/<name>} exists. So a
 * kill is: create the hold file, SIGKILL; a restart: delete the hold file and wait for the new pid.
 */
public final class PipelineProcesses implements ProcessControl {

  private final Path pidsFile;
  private final Path holdDir;
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private volatile boolean brokerStopped;

  public PipelineProcesses(Path stateDir) {
    this.pidsFile = stateDir.resolve("pids");
    this.holdDir = stateDir.resolve("hold");
    if (!Files.exists(pidsFile)) {
      throw new IllegalStateException(pidsFile + " is missing: is ./pipeline up running with this state dir?");
    }
  }

  /** {@code name=pid} lines of the pids file. */
  static Map<String, Long> parsePids(String text) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        try {
          out.put(line.substring(0, eq).strip(), Long.parseLong(line.substring(eq + 1).strip()));
        } catch (NumberFormatException e) {
          // not a pid line
        }
      }
    }
    return out;
  }

  /** The pids-file name of a service: {@code ingest-gateway} for the first gateway, {@code ingest-gateway-2} ... */
  static String processName(Service service, int index) {
    return switch (service) {
      case STT_WORKER -> "stt-worker";
      case BATCH_WORKER -> "batch-worker";
      case MERGER -> "transcript-merger";
      case GATEWAY -> index == 0 ? "ingest-gateway" : "ingest-gateway-" + (index + 1);
    };
  }

  Map<String, Long> pids() {
    try {
      return parsePids(Files.readString(pidsFile));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + pidsFile, e);
    }
  }

  private long pid(String name) {
    Long pid = pids().get(name);
    if (pid == null) {
      throw new IllegalStateException(name + " is not in " + pidsFile);
    }
    return pid;
  }

  @Override
  public int gateways() {
    return (int) pids().keySet().stream().filter(n -> n.matches("ingest-gateway(-\\d+)?")).count();
  }

  @Override
  public boolean canStallBroker() {
    return pids().containsKey("kafka");
  }

  @Override
  public void kill(Service service, int index) throws Exception {
    String name = processName(service, index);
    Files.createDirectories(holdDir);
    Files.writeString(holdDir.resolve(name), "held by chaos\n");
    held.add(name);
    long pid = pid(name);
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(name + " (pid " + pid
        + ") is not running"));
    handle.destroyForcibly();
    handle.onExit().get(10, TimeUnit.SECONDS);
  }

  @Override
  public void restart(Service service, int index) throws Exception {
    String name = processName(service, index);
    long before = pids().getOrDefault(name, -1L);
    Files.deleteIfExists(holdDir.resolve(name));
    held.remove(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Long now = pids().get(name);
      if (now != null && now != before) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("./pipeline up did not restart " + name + " within 30 s (is it supervising?)");
  }

  @Override
  public void stallBroker() throws Exception {
    signal("STOP", pid("kafka"));
    brokerStopped = true;
  }

  @Override
  public void resumeBroker() throws Exception {
    signal("CONT", pid("kafka"));
    brokerStopped = false;
  }

  @Override
  public void releaseAll() {
    if (brokerStopped) {
      try {
        resumeBroker();
      } catch (Exception e) {
        System.err.println("chaos: could not SIGCONT the broker: " + e.getMessage());
      }
    }
    for (String name : Set.copyOf(held)) {
      try {
        Files.deleteIfExists(holdDir.resolve(name));
        held.remove(name);
      } catch (IOException e) {
        System.err.println("chaos: could not release " + name + ": " + e.getMessage());
      }
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out.strip());
    }
  }
}
