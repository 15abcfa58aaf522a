package no.brokerclient.spring.boot;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The starter's scheduler (one thread, {@code broker-1}) for the pollers and the delayed subscription check,
 * started and shut down with the context. Deliberately not a {@link TaskScheduler} bean: that would become the
 * application's {@code @Scheduled} scheduler and make Boot's own task scheduler back off.
 */
public final class BrokerTaskScheduler implements InitializingBean, DisposableBean {
  private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

  BrokerTaskScheduler() {
    scheduler.setPoolSize(1);
    scheduler.setThreadNamePrefix("broker-");
    scheduler.setWaitForTasksToCompleteOnShutdown(false);
  }

  @Override
  public void afterPropertiesSet() {
    scheduler.initialize();
  }

  @Override
  public void destroy() {
    scheduler.shutdown();
  }

  /** @return the scheduler */
  public TaskScheduler scheduler() {
    return scheduler;
  }
}
