package dev.rstt.batch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The batch worker: degraded audio from {@code audio.degraded} transcribed in chunks via Deepgram pre-recorded. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BatchWorkerApplication {

  public static void main(String[] args) {
    SpringApplication.run(BatchWorkerApplication.class, args);
  }
}
