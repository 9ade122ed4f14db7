// Listeners by event name: on() returns a function that removes the
// listener. A listener that throws does not stop the others (the error is
// reported asynchronously, as a DOM event listener's would be).
export class Emitter {
  constructor() {
    this.listeners = new Map();  // name -> Set of functions
  }

  on(name, listener) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(listener);
    return () => this.off(name, listener);
  }

  off(name, listener) {
    this.listeners.get(name)?.delete(listener);
  }

  emit(name, ...args) {
    for (const listener of this.listeners.get(name) || []) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
  }
}
