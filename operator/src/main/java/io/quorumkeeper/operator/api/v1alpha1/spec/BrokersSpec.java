package io.quorumkeeper.operator.api.v1alpha1.spec;

/** The broker pool of a Separated cluster; broker pod ordinal i is node id 100 + i. */
public class BrokersSpec extends PoolSpec {}
