package dev.rstt.stt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The STT worker: live Deepgram streams per session behind one circuit breaker, rerouting to audio.degraded. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SttWorkerApplication {

  public static void main(String[] args) {
    SpringApplication.run(SttWorkerApplication.class, args);
  }
}
