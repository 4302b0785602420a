package dev.rstt.gateway.config;

import dev.rstt.gateway.auth.AuthMode;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A refused configuration at start: Boot prints the message, which names the setting, instead of a stack trace. */
public final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<AuthMode.ConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AuthMode.ConfigurationException cause) {
    return new FailureAnalysis(cause.getMessage(), "Change the setting named above (ingest-gateway README, "
        + "\"Security\"), then start the gateway again.", cause);
  }
}
