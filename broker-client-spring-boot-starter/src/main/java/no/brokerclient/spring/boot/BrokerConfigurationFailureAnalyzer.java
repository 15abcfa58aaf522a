package no.brokerclient.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link BrokerConfigurationException} into Boot's "APPLICATION FAILED TO START" report: what is wrong
 * with which property, and what to do, instead of a bean-creation stack trace.
 */
final class BrokerConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<BrokerConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BrokerConfigurationException cause) {
    return new FailureAnalysis("broker-client configuration: " + cause.getMessage(),
        "Set or correct '" + cause.property() + "' (see the properties table in broker-client's README, or your"
            + " IDE's completion for broker.*).", cause);
  }
}
