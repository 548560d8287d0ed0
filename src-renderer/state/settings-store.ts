import { create } from 'zustand';

const notificationsKey = 'cairn.notifications';

/** Device-local preferences of this window (theme lives in theme-store). */
interface SettingsState {
  /** Tell the person through a system notification when a backup finishes or fails. */
  notifications: boolean;
  notificationPermission: NotificationPermission | 'unsupported';
  setNotifications(on: boolean): Promise<void>;
}

const supported = typeof Notification !== 'undefined';

export const useSettingsStore = create<SettingsState>((set) => ({
  notifications: localStorage.getItem(notificationsKey) === 'on',
  notificationPermission: supported ? Notification.permission : 'unsupported',
  async setNotifications(on) {
    let permission: NotificationPermission | 'unsupported' = supported ? Notification.permission : 'unsupported';
    if (on && permission === 'default') permission = await Notification.requestPermission();
    localStorage.setItem(notificationsKey, on ? 'on' : 'off');
    set({ notifications: on, notificationPermission: permission });
  },
}));

/** A system notification when the person asked for them and the system allows it. */
export function systemNotify(title: string, body: string): void {
  const { notifications, notificationPermission } = useSettingsStore.getState();
  if (notifications && notificationPermission === 'granted') new Notification(title, { body });
}
