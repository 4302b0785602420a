package dev.rstt.gateway.resume;

import dev.rstt.gateway.session.GatewaySession;
import java.util.concurrent.CompletableFuture;

/**
 * What the socket handler needs of resumable sessions (docs/CONTRACT.md section 10): the session settings, the
 * resumer, the position keeper (a new session's first position is stored before {@code session_started}) and the
 * transcript snapshots; {@link #OFF} when resume is switched off ({@code rstt.gateway.resume.window=0s}).
 */
public record ResumeHooks(ResumeSettings settings, SessionResumer resumer, PositionKeeper keeper,
    TranscriptSnapshots snapshots) {

  public static final ResumeHooks OFF = new ResumeHooks(ResumeSettings.OFF, null, null, null);

  public boolean enabled() {
    return settings.enabled() && resumer != null;
  }

  /** A new session's first position (completes at once when resume is off). */
  public CompletableFuture<Void> held(GatewaySession session) {
    return enabled() ? keeper.held(session, PositionStates.ATTACHED, null) : CompletableFuture.completedFuture(null);
  }
}
