// Desktop notifications for messages that arrive while the page is hidden. Permission is asked
// only from a user gesture (the button in Settings), as browsers require and users expect.

export type NotificationSupport = 'unsupported' | NotificationPermission;

export function notificationSupport(): NotificationSupport {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function askNotificationPermission(): Promise<NotificationSupport> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** Shows a notification when allowed and the page is hidden; clicking it brings the page back. */
export function notifyIfHidden(title: string, body: string, tag: string, onClick: () => void): void {
  if (notificationSupport() !== 'granted' || document.visibilityState === 'visible') return;
  const notification = new Notification(title, { body, tag });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
}
