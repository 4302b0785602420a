package dev.rstt.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Development mode ({@code rstt.dev-mode}, env {@code RSTT_DEV_MODE}), off by default. Development conveniences
 * are switched on by it, by name, never by default: the development token endpoint (only with an explicitly set
 * HS256 secret, see {@link DevTokenEndpoint}) and the web page's fault panel.
 *
 * @param devMode true on a developer's machine ({@code ./pipeline up} sets it); never in production
 */
@ConfigurationProperties("rstt")
public record DevModeProperties(@DefaultValue("false") boolean devMode) {
}
