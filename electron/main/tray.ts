/**
 * Renders the TrayModel onto Electron's Tray: icon per status, tooltip, the unseen findings
 * count beside the icon (macOS), context menu.
 * macOS and Windows: left click toggles the popover, right click pops the menu up (a menu set
 * with setContextMenu would swallow the left click on macOS). Linux: app indicators ignore
 * clicks, so the menu is attached with setContextMenu and carries "Show Beacon".
 */
import { Menu, nativeImage, Tray, type NativeImage, type Rectangle } from 'electron';
import type { TrayStatus } from '../shared/ipc';
import { trayIconPath, type IconLocation } from '../app/tray-icons';
import type { TrayMenuActions, TrayModel } from '../app/tray-state';

export class TrayView {
  readonly tray: Tray;
  private menu: Menu;
  private readonly icons = new Map<TrayStatus, NativeImage>();

  constructor(
    private readonly model: TrayModel,
    private readonly actions: TrayMenuActions,
    private readonly iconLocation: IconLocation,
    onClick: (bounds: Rectangle | null) => void,
    private readonly warn: (message: string) => void,
  ) {
    this.tray = new Tray(this.icon(model.view().status));
    this.menu = Menu.buildFromTemplate(model.menu(actions));
    if (process.platform === 'linux') this.tray.setContextMenu(this.menu);
    else this.tray.on('right-click', () => this.tray.popUpContextMenu(this.menu));
    this.tray.on('click', (_event, bounds) => onClick(bounds ?? this.tray.getBounds()));
    this.render();
    model.onChange(() => this.render());
  }

  private icon(status: TrayStatus): NativeImage {
    let image = this.icons.get(status);
    if (!image) {
      const file = trayIconPath(status, this.iconLocation);
      if (!file) this.warn(`no tray icon for status ${status}; showing an empty image`);
      image = file ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
      if (file) image.setTemplateImage(true);
      this.icons.set(status, image);
    }
    return image;
  }

  render(): void {
    const view = this.model.view();
    this.tray.setImage(this.icon(view.status));
    this.tray.setToolTip(view.tooltip);
    // The count beside the icon: macOS only (Electron's setTitle is a macOS API).
    if (process.platform === 'darwin') this.tray.setTitle(view.title);
    this.menu = Menu.buildFromTemplate(this.model.menu(this.actions));
    if (process.platform === 'linux') this.tray.setContextMenu(this.menu);
  }

  bounds(): Rectangle | null {
    const b = this.tray.getBounds();
    return b.width > 0 ? b : null;
  }

  destroy(): void {
    this.tray.destroy();
  }
}
