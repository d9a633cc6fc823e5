package io.quorumkeeper.operator.observe;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One TLS context for the agents of every cluster: a server is trusted only if its certificate
 * chains to the CA of the cluster its host name was registered for, and names that host (the JDK's
 * own PKIX trust manager checks both). One HTTP client then serves a thousand clusters instead of a
 * client, and its selector thread, per cluster.
 */
final class PerHostTrust extends X509ExtendedTrustManager {

  private record Trusted(String cluster, X509ExtendedTrustManager manager) {}

  private final Map<String, Trusted> byHost = new ConcurrentHashMap<>();
  private final Map<String, X509ExtendedTrustManager> byCa = new ConcurrentHashMap<>();

  /**
   * Trusts {@code host} of {@code cluster} when it presents a certificate from one of the CAs of
   * {@code tls} (the bundle of every CA the cluster trusts now) that names it.
   */
  void register(String cluster, String host, ClientTls tls) {
    boolean known = byCa.containsKey(tls.caPem());
    byHost.put(
        host, new Trusted(cluster, byCa.computeIfAbsent(tls.caPem(), ca -> trustManager(tls))));
    if (!known) {
      dropUnused(); // a cluster's bundle changed (a CA rotation): the one it replaced goes
    }
  }

  /** Forgets every host of a cluster that is gone, and the CAs no host uses any more. */
  void forget(String cluster) {
    byHost.values().removeIf(t -> t.cluster().equals(cluster));
    dropUnused();
  }

  private void dropUnused() {
    java.util.Set<X509ExtendedTrustManager> used = new java.util.HashSet<>();
    byHost.values().forEach(t -> used.add(t.manager()));
    byCa.values().retainAll(used);
  }

  SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate(engine == null ? null : engine.getPeerHost())
        .checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("agents are reached through the HTTP client's engine only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("no host to choose a cluster CA by");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the operator serves no TLS clients here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private X509ExtendedTrustManager delegate(String host) throws CertificateException {
    Trusted trusted = host == null ? null : byHost.get(host);
    if (trusted == null) {
      throw new CertificateException("no cluster CA is registered for host " + host);
    }
    return trusted.manager();
  }

  private static X509ExtendedTrustManager trustManager(ClientTls tls) {
    try {
      KeyStore store = tls.trustStore();
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the cluster CA cannot be trusted: " + e, e);
    }
  }
}
