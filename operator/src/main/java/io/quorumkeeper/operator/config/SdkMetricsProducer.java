package io.quorumkeeper.operator.config;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Java Operator SDK's own meters ({@code operator_sdk_*} on {@code /q/metrics}) per controller,
 * not per resource. QOSDK's default collects them per resource: about 80 series for every
 * QuorumCluster (java-operator-sdk#1750: a reconcile-time histogram with its buckets and
 * percentiles, counters per event and outcome), kept as long as the resource exists, and a
 * percentile histogram updated on every pass. At 1,000 clusters that is some 80,000 series for
 * Prometheus to scrape and for the operator to keep, none of which says anything about a quorum.
 * What a user needs per cluster is in the operator's own {@code quorumkeeper_*} meters
 * (docs/monitoring.md); the SDK's stay, summed over clusters, for the operator's own health. QOSDK
 * takes this bean over its default one.
 */
public class SdkMetricsProducer {

  @Produces
  @Singleton
  Metrics sdkMetrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
