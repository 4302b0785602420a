package dev.rstt.tools.chaos;

/**
 * What a chaos run may do to the stack's processes. {@code ./pipeline up}'s processes: {@link PipelineProcesses};
 * the e2e suite's: its own implementation.
 */
public interface ProcessControl {

  /** Services a chaos run kills. */
  enum Service { STT_WORKER, BATCH_WORKER, MERGER, GATEWAY }

  /** How many gateways run (a gateway is killed only where two or more run). */
  int gateways();

  /** Whether the broker runs as a process of its own that can be stopped (SIGSTOP). */
  boolean canStallBroker();

  /** kill -9 of the service ({@code index}: which gateway); it stays down until {@link #restart}. */
  void kill(Service service, int index) throws Exception;

  /** Starts the killed service again (returns once it is started, not necessarily serving). */
  void restart(Service service, int index) throws Exception;

  /** SIGSTOP of the broker. */
  void stallBroker() throws Exception;

  /** SIGCONT of the broker. */
  void resumeBroker() throws Exception;

  /** Undoes whatever is still in effect (a stopped broker, a service held down): for an interrupted run. */
  void releaseAll();

  static Service serviceOf(FaultKind kind) {
    return switch (kind) {
      case KILL_STT_WORKER -> Service.STT_WORKER;
      case KILL_BATCH_WORKER -> Service.BATCH_WORKER;
      case KILL_MERGER -> Service.MERGER;
      case KILL_GATEWAY -> Service.GATEWAY;
      default -> throw new IllegalArgumentException(kind + " kills no service");
    };
  }
}
