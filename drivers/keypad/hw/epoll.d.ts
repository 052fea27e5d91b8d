// Types for the parts of the `epoll` package (4.x, a dependency of onoff) that EvdevKeypad uses.
// The package is CommonJS with no static exports: import its default, then take `Epoll`.
declare module 'epoll' {
  interface Epoll {
    add(fd: number, events: number): this;
    remove(fd: number): this;
    close(): this;
    readonly closed: boolean;
  }
  interface EpollConstructor {
    readonly EPOLLIN: number;
    readonly EPOLLERR: number;
    readonly EPOLLHUP: number;
    /** `callback` runs on the event loop, once per ready file descriptor. */
    new (callback: (error: Error | null, fd: number, events: number) => void): Epoll;
  }
  const epoll: { readonly Epoll: EpollConstructor };
  export default epoll;
}
