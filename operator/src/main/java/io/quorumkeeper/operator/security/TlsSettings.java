package io.quorumkeeper.operator.security;

import java.time.Duration;

/**
 * How long the certificates of a TLS cluster live.
 *
 * @param caValidity lifetime of a new cluster CA (it is never renewed yet)
 * @param certificateValidity lifetime of a pod's or the operator's certificate
 * @param renewBefore a certificate that expires sooner than this is issued again
 */
public record TlsSettings(Duration caValidity, Duration certificateValidity, Duration renewBefore) {

  public TlsSettings {
    if (renewBefore.compareTo(certificateValidity) >= 0) {
      throw new IllegalArgumentException(
          "renewBefore ("
              + renewBefore
              + ") must be shorter than certificateValidity ("
              + certificateValidity
              + "): every certificate would be renewed on every pass");
    }
  }

  /** Five years of CA, one year of certificates, renewed 30 days before they expire. */
  public static TlsSettings defaults() {
    return new TlsSettings(Duration.ofDays(5 * 365), Duration.ofDays(365), Duration.ofDays(30));
  }
}
