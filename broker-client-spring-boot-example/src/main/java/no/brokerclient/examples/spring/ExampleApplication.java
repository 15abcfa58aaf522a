package no.brokerclient.examples.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import no.brokerclient.BrokerClient;
import no.brokerclient.events.BrokerEventListener;
import no.brokerclient.events.EventType;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.spring.boot.BrokerClients;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** Sends a file at start-up as the sender registration; downloads and confirms what is published to it. */
@SpringBootApplication
public class ExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }

  @Bean
  ApplicationRunner send(BrokerClients clients, @Value("${app.resource}") String resource) {
    return args -> clients.get("sender").send(FileTransferInitialize.builder().resourceId(resource)
        .fileName("hello.txt").sender("991825827").recipient("986252932").build(),
        Files.writeString(Files.createTempFile("hello", ".txt"), "Hello through Altinn Broker"));
  }

  @Bean
  BrokerEventListener receive(BrokerClient broker, @Value("${app.inbox}") Path inbox) {
    return event -> {
      if (event.type().equals(EventType.PUBLISHED)) {
        broker.download(event.fileTransferId(),
            Files.createDirectories(inbox).resolve(event.fileTransferId() + ".txt"));
        broker.confirmDownload(event.fileTransferId());
      }
    };
  }
}
