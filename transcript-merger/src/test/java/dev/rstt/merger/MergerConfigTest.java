package dev.rstt.merger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

class MergerConfigTest {

  @Configuration
  @EnableConfigurationProperties(MergerConfig.class)
  static class Props {
  }

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
      .withUserConfiguration(Props.class);

  @Test
  void shouldDefaultEveryKey() {
    runner.run(context -> {
      MergerConfig config = context.getBean(MergerConfig.class);
      assertThat(config).isEqualTo(MergerConfig.defaults());
      assertThat(config.retention()).isEqualTo(Duration.ofHours(1));
    });
  }

  @Test
  void shouldFailStartupNamingTheKeyAndValueOfABadSetting() {
    runner.withPropertyValues("rstt.merger.retention=0s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("rstt.merger.retention")
          .hasMessageContaining("PT0S");
    });
    runner.withPropertyValues("rstt.merger.application-server=no-port").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("rstt.merger.application-server")
          .hasMessageContaining("no-port");
    });
  }
}
