package io.quorumkeeper.operator.security;

import io.quorumkeeper.operator.model.TlsSecretModel;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The rotation of a cluster's CA (docs/security.md, "Renewing the CA"), decided from what {@code
 * <cluster>-ca} holds and nothing else, so an operator restarted mid-way continues where it was.
 * Three phases, each entered only once every pod runs the previous one, so that two pods that may
 * run at the same time always trust each other's certificates:
 *
 * <ol>
 *   <li>trust: a next CA is trusted beside the signing one ({@code next-ca.crt}); nothing changes
 *       for the certificates; the pods roll to load the bundle;
 *   <li>sign: the next CA signs ({@code ca.crt}), the old one is still trusted ({@code
 *       previous-ca.crt}); every certificate is issued again; the pods roll;
 *   <li>done: the old CA is dropped from the bundle. No roll: nothing carries a certificate of the
 *       old CA any more, and its key is gone.
 * </ol>
 */
final class CaRotation {

  enum Phase {
    /** One CA, signing and trusted. */
    STEADY,
    /** The signing CA and the next one are trusted; the signing one signs. */
    TRUST,
    /** The new CA signs, the previous one is still trusted. */
    SIGN
  }

  /**
   * The CAs of one moment of a cluster.
   *
   * @param signerPem the signing CA's certificate as stored (kept as it is, so a pass that changes
   *     nothing writes nothing)
   */
  record CaSet(
      ClusterCa signer,
      String signerPem,
      String signerKeyPem,
      Optional<ClusterCa> next,
      Optional<String> previousPem) {

    static CaSet of(ClusterCa ca) {
      return new CaSet(ca, ca.certificatePem(), ca.keyPem(), Optional.empty(), Optional.empty());
    }

    /** The same signing CA with this next or previous CA (or neither). */
    CaSet with(Optional<ClusterCa> next, Optional<String> previousPem) {
      return new CaSet(signer, signerPem, signerKeyPem, next, previousPem);
    }

    Phase phase() {
      return next.isPresent() ? Phase.TRUST : previousPem.isPresent() ? Phase.SIGN : Phase.STEADY;
    }

    /** The CA entries of {@code <cluster>-ca}. */
    Map<String, String> entries() {
      Map<String, String> entries = new TreeMap<>();
      entries.put(TlsSecretModel.CA_CERT, signerPem);
      entries.put(TlsSecretModel.CA_KEY, signerKeyPem);
      next.ifPresent(
          n -> {
            entries.put(TlsSecretModel.NEXT_CA_CERT, n.certificatePem());
            entries.put(TlsSecretModel.NEXT_CA_KEY, n.keyPem());
          });
      previousPem.ifPresent(p -> entries.put(TlsSecretModel.PREVIOUS_CA_CERT, p));
      return entries;
    }

    /** Every CA trusted now, the signing one first: {@code ca.crt} of {@code <cluster>-tls}. */
    String bundle() {
      return TlsSecretModel.trustBundle(entries());
    }
  }

  /** The set to write; when the phase changes, what to tell the user. */
  record Decision(CaSet set, Optional<String> change) {}

  private CaRotation() {}

  /**
   * The CAs kept in {@code <cluster>-ca}. A next CA that is unusable (unreadable, expired, its key
   * not its own) is left out: nothing was signed with it, so no pod depends on trusting it, and a
   * new one is made if the rotation is still due.
   *
   * @throws Pem.InvalidPemException when the signing CA is unusable, or a previous CA that pods may
   *     still present is unreadable
   */
  static CaSet load(Map<String, String> caEntries, Instant now) throws Pem.InvalidPemException {
    String signerPem = caEntries.get(TlsSecretModel.CA_CERT);
    String signerKeyPem = caEntries.get(TlsSecretModel.CA_KEY);
    ClusterCa signer = ClusterCa.load(signerPem, signerKeyPem, now);
    Optional<ClusterCa> next = Optional.empty();
    if (caEntries.containsKey(TlsSecretModel.NEXT_CA_CERT)) {
      try {
        next =
            Optional.of(
                ClusterCa.load(
                    caEntries.get(TlsSecretModel.NEXT_CA_CERT),
                    caEntries.get(TlsSecretModel.NEXT_CA_KEY),
                    now));
      } catch (Pem.InvalidPemException unusable) {
        next = Optional.empty();
      }
    }
    Optional<String> previous = Optional.ofNullable(caEntries.get(TlsSecretModel.PREVIOUS_CA_CERT));
    if (previous.isPresent()) {
      try {
        Pem.firstCertificate(previous.get());
      } catch (Pem.InvalidPemException e) {
        throw new Pem.InvalidPemException(
            TlsSecretModel.PREVIOUS_CA_CERT
                + " (still trusted by pods) is unusable: "
                + e.getMessage());
      }
    }
    if (next.isPresent() && previous.isPresent()) {
      next = Optional.empty(); // a new rotation begins only after the last one is done
    }
    return new CaSet(signer, signerPem, signerKeyPem, next, previous);
  }

  /**
   * This pass's step of the rotation.
   *
   * @param wanted the CA a user wants to sign with; empty: the operator's own, rotated when it
   *     expires within {@code settings.caRenewBefore()}
   * @param settled every pod of the cluster exists, is ready and runs the certificates of the
   *     current phase (the revision of {@code <cluster>-tls}, which holds exactly this phase)
   * @param fresh makes a new CA for the operator's own rotation
   */
  static Decision decide(
      CaSet set,
      Optional<ClusterCa> wanted,
      boolean settled,
      Instant now,
      TlsSettings settings,
      Supplier<ClusterCa> fresh) {
    switch (set.phase()) {
      case SIGN:
        return settled ? finish(set) : unchanged(set);
      case TRUST:
        return trusting(set, wanted, settled);
      default:
        if (wanted.isPresent()) {
          return wanted.get().sameCertificate(set.signer())
              ? unchanged(set)
              : start(set, wanted.get());
        }
        return set.signer().notAfter().isBefore(now.plus(settings.caRenewBefore()))
            ? start(set, fresh.get())
            : unchanged(set);
    }
  }

  private static Decision trusting(CaSet set, Optional<ClusterCa> wanted, boolean settled) {
    ClusterCa next = set.next().orElseThrow();
    if (wanted.isPresent() && wanted.get().sameCertificate(set.signer())) {
      return new Decision(
          set.with(Optional.empty(), Optional.empty()),
          Optional.of(
              "CA rotation abandoned: the wanted CA is the signing one again, the next CA "
                  + describe(next)
                  + " is no longer trusted (nothing was signed with it; no restart)"));
    }
    if (wanted.isPresent() && !wanted.get().sameCertificate(next)) {
      return start(set, wanted.get());
    }
    if (!settled) {
      return unchanged(set);
    }
    return new Decision(
        new CaSet(
            next,
            next.certificatePem(),
            next.keyPem(),
            Optional.empty(),
            Optional.of(set.signerPem())),
        Optional.of(
            "CA rotation 2/3 (sign): every pod trusts the new CA "
                + describe(next)
                + ", which signs from now on; every certificate is issued again and pods restart"
                + " one at a time; the old CA "
                + describe(set.signer())
                + " stays trusted until they all have"));
  }

  private static Decision start(CaSet set, ClusterCa next) {
    return new Decision(
        set.with(Optional.of(next), Optional.empty()),
        Optional.of(
            "CA rotation 1/3 (trust): the new CA "
                + describe(next)
                + " is trusted beside the signing CA "
                + describe(set.signer())
                + "; pods restart one at a time to load both, nothing is signed with the new one yet"));
  }

  private static Decision finish(CaSet set) {
    return new Decision(
        set.with(Optional.empty(), Optional.empty()),
        Optional.of(
            "CA rotation 3/3 (done): every pod runs certificates of the CA "
                + describe(set.signer())
                + "; the previous CA is no longer trusted (no restart: nothing presents its"
                + " certificates any more)"));
  }

  private static Decision unchanged(CaSet set) {
    return new Decision(set, Optional.empty());
  }

  /** {@code <fingerprint> (until <notAfter>)}. */
  static String describe(ClusterCa ca) {
    return ClusterCertificates.fingerprint(ca) + " (until " + ca.notAfter() + ")";
  }
}
