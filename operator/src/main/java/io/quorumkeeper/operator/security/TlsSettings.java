package io.quorumkeeper.operator.security;

import java.time.Duration;

/**
 * How long the certificates of a TLS cluster live.
 *
 * @param caValidity lifetime of a new cluster CA
 * @param certificateValidity lifetime of a pod's or the operator's certificate
 * @param renewBefore a certificate that expires sooner than this is issued again
 * @param caRenewBefore the operator's own CA is rotated (docs/security.md, "Renewing the CA") when
 *     it expires sooner than this
 */
public record TlsSettings(
    Duration caValidity,
    Duration certificateValidity,
    Duration renewBefore,
    Duration caRenewBefore) {

  public TlsSettings {
    if (renewBefore.compareTo(certificateValidity) >= 0) {
      throw new IllegalArgumentException(
          "renewBefore ("
              + renewBefore
              + ") must be shorter than certificateValidity ("
              + certificateValidity
              + "): every certificate would be renewed on every pass");
    }
    if (caRenewBefore.compareTo(caValidity) >= 0) {
      throw new IllegalArgumentException(
          "caRenewBefore ("
              + caRenewBefore
              + ") must be shorter than caValidity ("
              + caValidity
              + "): every new CA would be rotated again at once");
    }
  }

  /**
   * Five years of CA, rotated 90 days before it expires; one year of certificates, renewed 30 days
   * before they expire.
   */
  public static TlsSettings defaults() {
    return new TlsSettings(
        Duration.ofDays(5 * 365), Duration.ofDays(365), Duration.ofDays(30), Duration.ofDays(90));
  }
}
