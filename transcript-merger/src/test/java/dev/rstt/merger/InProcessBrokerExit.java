package dev.rstt.merger;

import org.apache.kafka.common.utils.Exit;

/**
 * The shared in-process broker is stopped by a JVM shutdown hook; a broker thread that still writes a checkpoint
 * while its directories are deleted marks the log dir offline and asks Kafka's {@link Exit} to halt the JVM with a
 * non-zero code, which fails the Failsafe fork after every test passed. In tests, Kafka may not end the JVM.
 */
final class InProcessBrokerExit {

  private InProcessBrokerExit() {
  }

  static void keepJvmAlive() {
    Exit.setHaltProcedure((status, message) -> { });
    Exit.setExitProcedure((status, message) -> { });
  }
}
