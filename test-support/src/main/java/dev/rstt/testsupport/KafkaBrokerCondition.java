package dev.rstt.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * With {@code -Dtests.kafka=testcontainers} where Docker cannot start the broker, every broker test class
 * ({@code *IT}, the project's name for tests on a real broker) is skipped with the reason before it starts, instead
 * of failing in a static initializer or a Spring context that calls {@link KafkaBroker#shared()}. Registered for
 * every module through JUnit's extension auto-detection (this module's {@code junit-platform.properties} and
 * {@code META-INF/services}); in any other mode it does nothing.
 */
public final class KafkaBrokerCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    boolean brokerTest = context.getTestClass().map(c -> c.getSimpleName().endsWith("IT")).orElse(false);
    if (!brokerTest || context.getTestMethod().isPresent()
        || KafkaBroker.configuredMode() != KafkaBroker.Mode.TESTCONTAINERS) {
      return ConditionEvaluationResult.enabled("not a broker test class on Testcontainers");
    }
    String problem = KafkaBroker.testcontainersProblem();
    return problem.isEmpty()
        ? ConditionEvaluationResult.enabled("Testcontainers can start the broker")
        : ConditionEvaluationResult.disabled("tests.kafka=testcontainers, but " + problem);
  }
}
