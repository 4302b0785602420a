package dev.rstt.gateway.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.rstt.gateway.config.GatewayProperties;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWKS keys, outage-tolerant, from nimbus JOSE's {@link JWKSourceBuilder}: cached for {@code cache-ttl} and
 * refreshed ahead of expiry, the last good keys served for {@code outage-ttl} while the URL fails, one retry per
 * retrieval, and at most two retrievals per {@code min-refresh-interval} (an outage is probed at that pace, not
 * hammered). Two additions of its own:
 *
 * <ul>
 *   <li>a record of the last good key set and of the URL's state, logged once per change (WARN when the URL starts
 *       failing, INFO when it answers again), with the exception class only;
 *   <li>a token whose key id is not in a fresh key set makes nimbus re-fetch; when that re-fetch is refused by the
 *       rate limit while good keys are known, the answer is "no such key" (a bad token), not "keys unavailable".
 * </ul>
 *
 * <p>When no usable keys remain, {@link #get} throws {@link KeySourceException}: {@link TokenVerifier} answers it as
 * {@link AuthUnavailableException} (1013 / HTTP 503), never as a bad token.
 */
public final class JwksKeys implements JWKSource<SecurityContext> {

  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
  private static final int SIZE_LIMIT = 256 * 1024;

  private final Recorder recorder;
  private final JWKSource<SecurityContext> cached;
  private final long outageTtlMs;

  JwksKeys(JWKSetSource<SecurityContext> remote, GatewayProperties.Jwks settings) {
    this.recorder = new Recorder(remote);
    this.outageTtlMs = settings.outageTtl().toMillis();
    long ttl = settings.cacheTtl().toMillis();
    // nimbus's defaults (wait up to 15 s for a refresh in flight, refresh 30 s ahead) scaled down for short TTLs
    long refreshTimeout = Math.min(JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT, ttl / 4);
    long refreshAhead = Math.min(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, ttl / 4);
    this.cached = JWKSourceBuilder.create(recorder)
        .cache(ttl, refreshTimeout)
        .refreshAheadCache(refreshAhead, false)
        .retrying(true)
        .outageTolerant(outageTtlMs)
        .rateLimited(settings.minRefreshInterval().toMillis())
        .build();
  }

  /** Keys from {@code url} over https (or http in development mode), trusting {@code ssl} (null: the JVM's default). */
  public static JwksKeys fromUrl(String url, GatewayProperties.Jwks settings, SSLSocketFactory ssl) {
    URL parsed;
    try {
      parsed = URI.create(url).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new AuthMode.ConfigurationException("rstt.gateway.auth.jwks-url is not a URL: " + url);
    }
    int timeout = (int) settings.httpTimeout().toMillis();
    DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout, SIZE_LIMIT, true, ssl);
    return new JwksKeys(new URLBasedJWKSetSource<>(parsed, retriever), settings);
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    try {
      return cached.get(selector, context);
    } catch (RateLimitReachedException e) {
      JWKSet good = recorder.lastGood(System.currentTimeMillis(), outageTtlMs);
      if (good != null) {
        return selector.select(good); // keys are known and fresh: the key id is simply not among them
      }
      throw new KeySourceException("JWKS unavailable and no last good keys (retrieval rate limit reached)", e);
    }
  }

  /** True while the URL's last retrieval succeeded (or none was tried yet). */
  public boolean reachable() {
    return recorder.reachable();
  }

  /** Wraps the URL source: remembers the last good key set and logs one line when the URL's state changes. */
  private static final class Recorder implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> remote;
    private JWKSet lastGood;
    private long lastGoodAtMs;
    private boolean failing;

    Recorder(JWKSetSource<SecurityContext> remote) {
      this.remote = remote;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
        throws KeySourceException {
      try {
        JWKSet set = remote.getJWKSet(refreshEvaluator, currentTime, context);
        synchronized (this) {
          lastGood = set;
          lastGoodAtMs = currentTime;
          if (failing) {
            failing = false;
            log.info("JWKS answers again: {} keys", set.getKeys().size());
          }
        }
        return set;
      } catch (KeySourceException | RuntimeException e) {
        synchronized (this) {
          if (!failing) {
            failing = true;
            log.warn("JWKS retrieval failed ({}): {}", e.getClass().getSimpleName(), lastGood == null
                ? "no keys yet, tokens cannot be checked (apps get auth_unavailable)"
                : "serving the last good keys while it fails, for a bounded time");
          }
        }
        throw e;
      }
    }

    synchronized JWKSet lastGood(long nowMs, long ttlMs) {
      return lastGood != null && nowMs - lastGoodAtMs <= ttlMs ? lastGood : null;
    }

    synchronized boolean reachable() {
      return !failing;
    }

    @Override
    public void close() throws IOException {
      remote.close();
    }
  }

  /** The retry hint for apps while keys are unavailable. */
  public static Duration retryAfter(GatewayProperties.Jwks settings) {
    return settings.minRefreshInterval().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : settings.minRefreshInterval();
  }
}
