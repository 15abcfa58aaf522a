/** Test support: {@link no.brokerclient.spring.boot.test.EnableFakeAltinn} runs an application against FakeAltinn. */
package no.brokerclient.spring.boot.test;
