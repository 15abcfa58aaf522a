/**
 * Spring Boot 3.5 and 4 auto-configuration for broker-client, bound to {@code broker.*}
 * ({@link no.brokerclient.spring.boot.BrokerProperties}).
 */
package no.brokerclient.spring.boot;
