# frozen_string_literal: true
#
# retention_dumps.rb: take heap dumps of a running Ruby process, on a signal, for `retention leaks`.
#
# One file, no gems: core Ruby and the `objspace` extension only. Ruby 2.7 to 3.4.
#
# USE
#
#   Copy this file into your app and require it as early as you can:
#
#     Rails:       at the top of config/boot.rb (before Bundler and Rails load, so that tracing
#                  covers them):  require_relative "retention_dumps"   (file copied to config/)
#                  An initializer (config/initializers/retention_dumps.rb) works too, but
#                  objects allocated before it runs carry no allocation site.
#     Plain Ruby:  ruby -r./retention_dumps.rb app.rb
#                  or RUBYOPT="-r/abs/path/retention_dumps.rb" for any `ruby` started below.
#
#   Start the process with allocation tracing on:
#
#     RETENTION_TRACE=1 bundle exec puma ...
#
#   Then, under normal traffic, some minutes apart, three times:
#
#     kill -USR2 PID
#
#   and diff the dumps (one process's dumps, oldest first):
#
#     retention leaks tmp/heap-dumps
#
# ENVIRONMENT (read when this file is required; keyword arguments to RetentionDumps.install win)
#
#   RETENTION_TRACE=1           Call ObjectSpace.trace_object_allocations_start now, at require
#                               time. Without it the dumps still work, but objects carry no
#                               allocation site (file, line, generation): `retention` can then only
#                               group leaks by type and class and match objects approximately.
#                               Tracing costs CPU on every allocation and memory per live object;
#                               use it on one instance or in staging, not the whole fleet.
#   RETENTION_DUMP_DIR=DIR      Where dumps go (default: tmp/heap-dumps under the current
#                               directory when this file is required). Created if missing.
#   RETENTION_DUMP_SIGNAL=SIG   The signal that writes a dump (default USR2; `off` traps nothing).
#                               Puma and Unicorn use USR2 themselves (restart): with them, use
#                               RETENTION_DUMP_SIGNAL=URG (ignored by default, used by neither).
#   RETENTION_DUMPS=off         Do nothing at require time: no tracing, no trap, no thread. You
#                               can still call RetentionDumps.install(...) yourself.
#
# API
#
#   RetentionDumps.install(dir:, signal:, trace:)   Called on require (unless RETENTION_DUMPS=off).
#   RetentionDumps.dump!(dir: ...)        Writes a dump now, on the calling thread; returns its path.
#                                         Raises if it fails (it is your call, you get the error).
#   RetentionDumps.request_dump           Asks the background thread for a dump and returns at
#                                         once; safe inside your own trap handlers.
#   RetentionDumps.every(seconds:, count: 3, delay: seconds)
#                                         Takes `count` dumps `seconds` apart from a thread (when
#                                         you cannot send signals). Call it in each worker process.
#
# FILES
#
#   DIR/heap-PID-YYYYMMDDTHHMMSS.mmmZ.json   (UTC, milliseconds), e.g. heap-4242-20250301T101500.123Z.json
#
#   `retention leaks DIR` groups files by PID and orders them by that timestamp. Each dump is
#   written to DIR/.heap-PID-....json.tmp (a dot file, which the tool ignores), fsync'ed, checked
#   to end in a newline, and only then renamed to its final name: a file with the final name is
#   always a complete dump. Files are created mode 0600: a heap dump holds every ASCII string of
#   the process, passwords and tokens included. Treat dumps as secrets.
#   One line per dump goes to $stderr, prefixed "[retention]".
#
# HOW THE SIGNAL IS HANDLED (and why it is safe)
#
#   A Ruby trap handler runs on the main thread, in "trap context", where Mutex#lock raises
#   ThreadError (a trap that interrupted the lock's owner would deadlock). So the handler does no
#   work: it pushes a request onto a Thread::Queue (Queue#push takes no Ruby-level lock) and
#   returns. A dedicated thread ("retention-dumps") pops requests one at a time and, for each,
#   opens the temp file, runs GC.start and ObjectSpace.dump_all, fsyncs and renames. Requests queue
#   up, so three signals give three dumps, one after the other. (The kernel merges signals of one
#   kind that arrive before the process has been told of the first; a few milliseconds apart is
#   enough for each `kill` to count.) Other threads are stopped only while Ruby holds the GVL for
#   GC.start and dump_all, which no dumper can avoid; opening, fsync and rename release it.
#
#   The handler that was installed before for the signal (a Proc) is called after the dump is
#   requested, so an existing USR2 handler keeps working. "DEFAULT" (for USR2: terminate) and
#   "IGNORE" are not chained.
#
# FORKING SERVERS (Puma clustered mode, Unicorn, Passenger, Resque, ...)
#
#   Threads do not survive fork, but trap handlers do. The first request in a forked child
#   notices that Process.pid changed and starts a new dump thread there; the file name carries
#   the child's pid. Signal the worker's pid (`pgrep -f 'puma: cluster worker'`), not the master's.
#   `every` runs in the process that called it: call it from a worker-boot hook.

require "objspace"

module RetentionDumps
  # Values of RETENTION_TRACE (and of RETENTION_DUMPS for "off") that count as yes.
  TRUE_WORDS = %w[1 true yes on].freeze

  # Allocation tracing starts here, before anything else in this file, so that it covers as much
  # of the program as possible. (install(trace: true) starts it too, if it is not on yet.)
  if ENV["RETENTION_DUMPS"].to_s.strip.downcase != "off" &&
     TRUE_WORDS.include?(ENV["RETENTION_TRACE"].to_s.strip.downcase)
    ObjectSpace.trace_object_allocations_start
    @tracing = true
  end

  DEFAULT_DIR = "tmp/heap-dumps"
  DEFAULT_SIGNAL = "USR2"

  # The dump thread of one process: after a fork, `pid` tells the child that the thread is not its own.
  Worker = Struct.new(:pid, :queue, :thread)

  # The names file_name gives, with the pid and the timestamp as captures.
  FILE_NAME = /\Aheap-(\d+)-(\d{8}T\d{6}\.\d{3}Z)\.json\z/.freeze

  # The trap handler. One object, so that installing twice never chains it to itself.
  HANDLER = proc { |signo| RetentionDumps.__send__(:signal_received, signo) }

  @dir = nil            # absolute path; nil until install
  @signal = nil         # "USR2", or nil when no signal is trapped
  @previous = nil       # the handler the signal had before ours
  @worker = nil         # Worker, started at install and again lazily in forked children
  @dump_lock = Mutex.new  # one dump at a time (a child forked mid-dump can still take it: Ruby
                          # releases mutexes held by threads that did not survive the fork)
  @last_ms = nil        # the last file name's timestamp, to keep names unique and increasing

  class << self
    # The trapped signal's name, "USR2"; nil when none is trapped.
    attr_reader :signal

    # The directory dumps go to (absolute).
    def dir
      @dir || File.expand_path(ENV["RETENTION_DUMP_DIR"] || DEFAULT_DIR)
    end

    # Whether this file started allocation tracing.
    def tracing?
      @tracing ? true : false
    end

    # Configures dumps and traps the signal. Called when this file is required, with the
    # environment's settings; call it again to change them (e.g. from a worker-boot hook).
    #   dir:    where dumps go (relative paths are taken from the current directory, now)
    #   signal: "USR2", :URG, "SIGTTIN", ...; nil, false or "off" for none
    #   trace:  true starts allocation tracing (it cannot be stopped from here)
    # Returns the module. Raises ArgumentError for a signal Ruby cannot trap.
    def install(dir: ENV["RETENTION_DUMP_DIR"] || DEFAULT_DIR,
                signal: ENV["RETENTION_DUMP_SIGNAL"] || DEFAULT_SIGNAL,
                trace: TRUE_WORDS.include?(ENV["RETENTION_TRACE"].to_s.strip.downcase))
      if trace && !@tracing
        ObjectSpace.trace_object_allocations_start
        @tracing = true
      end
      @dir = File.expand_path(dir.to_s)
      begin
        make_directory(@dir)
      rescue SystemCallError => e
        # Not fatal: the app must boot. Each dump tries again and logs why it failed.
        log("cannot create #{@dir} (#{e.message}); dumps will fail until it exists")
      end
      worker
      trap_signal(signal_name(signal))
      log("pid #{Process.pid}: " +
          (@signal ? "kill -#{@signal} #{Process.pid} writes" : "RetentionDumps.dump! writes") +
          " a heap dump to #{@dir} (allocation tracing #{@tracing ? 'on' : 'OFF: no allocation sites'})")
      self
    end

    # Stops trapping the signal and gives it back its previous handler.
    def uninstall
      if @signal
        Signal.trap(@signal, @previous.nil? ? "DEFAULT" : @previous)
        @signal = nil
        @previous = nil
      end
      self
    end

    # Writes a dump now, on the calling thread, and returns its path. Waits for a dump that
    # another thread is writing. Raises what went wrong (after logging it).
    # Do not call it from a trap handler: use request_dump there.
    def dump!(dir: self.dir)
      write_dump(File.expand_path(dir.to_s))
    end

    # Asks the dump thread for a dump and returns at once (true). Takes no lock, so it is safe in
    # trap context. Errors are logged by the dump thread, never raised.
    def request_dump(dir: self.dir)
      worker.queue.push(dir)
      true
    end

    # Takes `count` dumps, `seconds` apart, the first after `delay` seconds (default: `seconds`,
    # so that the first dump does not catch the app still warming up). Returns the Thread.
    def every(seconds:, count: 3, delay: nil, dir: self.dir)
      raise ArgumentError, "seconds must be positive" unless seconds.is_a?(Numeric) && seconds > 0
      raise ArgumentError, "count must be a positive Integer" unless count.is_a?(Integer) && count > 0
      dir = File.expand_path(dir.to_s)
      thread = Thread.new do
        Thread.current.name = "retention-every" if Thread.current.respond_to?(:name=)
        sleep(delay || seconds)
        count.times do |i|
          sleep(seconds) if i > 0
          begin
            write_dump(dir)
          rescue Exception # logged by write_dump; never raised into the app
            nil
          end
        end
      end
      thread.report_on_exception = false if thread.respond_to?(:report_on_exception=)
      thread
    end

    # "heap-PID-YYYYMMDDTHHMMSS.mmmZ.json" for a pid and a Time (taken as UTC).
    def file_name(pid, time)
      "heap-#{pid}-#{time.getutc.strftime('%Y%m%dT%H%M%S.%LZ')}.json"
    end

    private

    # In trap context: request a dump (no locks), then call the previous handler.
    def signal_received(signo)
      begin
        request_dump
      rescue Exception => e # a trap must not raise into the app
        log("could not request a dump: #{e.class}: #{e.message}")
      end
      previous = @previous
      return unless previous.respond_to?(:call)
      # Trap procs take the signal number; a lambda written without parameters does not.
      previous.arity.zero? ? previous.call : previous.call(signo)
    end

    # This process's dump thread, started if there is none: at install, and on the first request
    # in a forked child (threads do not survive fork). Takes no lock, so trap context may call it;
    # two callers racing here each get a thread with its own queue, so no request is lost, and
    # @dump_lock still keeps the dumps one at a time.
    def worker
      w = @worker
      return w if w && w.pid == Process.pid && w.thread.alive?
      queue = Queue.new
      thread = Thread.new(queue) { |q| run_worker(q) }
      thread.report_on_exception = false if thread.respond_to?(:report_on_exception=)
      @worker = Worker.new(Process.pid, queue, thread)
    end

    def run_worker(queue)
      Thread.current.name = "retention-dumps" if Thread.current.respond_to?(:name=)
      while (dir = queue.pop)
        begin
          write_dump(dir)
        rescue Exception # logged by write_dump; the thread lives on
          nil
        end
      end
    end

    # The dump itself. GC, then dump_all into a dot-named temp file; fsync, check, rename.
    def write_dump(dir)
      @dump_lock.synchronize do
        started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
        path = tmp = nil
        begin
          make_directory(dir)
          path, tmp = next_paths(dir)
          # EXCL: never write into someone else's file. 0600: a dump holds the app's secrets.
          File.open(tmp, File::WRONLY | File::CREAT | File::EXCL | File::BINARY, 0o600) do |f|
            GC.start                          # free what is garbage, so the dump shows what is kept
            ObjectSpace.dump_all(output: f)   # holds the GVL: the only time the app is stopped
            f.flush
          end
          # Ruby 2.7 writes dump_all through a C stdio buffer that only close flushes, so the
          # fsync and the completeness check use a fresh descriptor, after close.
          size = File.open(tmp, File::RDONLY | File::BINARY) do |f|
            n = f.size
            f.seek(-1, IO::SEEK_END) if n > 0
            raise IOError, "#{tmp} is cut off (#{n} bytes, no final newline)" unless n > 0 && f.read(1) == "\n"
            f.fsync
            n
          end
          File.rename(tmp, path)
          tmp = nil
          fsync_directory(dir)
          seconds = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
          log(format("wrote %s (%s) in %.2f s", path, human_size(size), seconds))
          path
        rescue Exception => e # logged, then re-raised to dump! callers only
          log("heap dump #{path ? "#{path} " : ''}failed: #{e.class}: #{e.message}")
          raise
        ensure
          begin
            File.unlink(tmp) if tmp && File.exist?(tmp)
          rescue SystemCallError
            nil
          end
        end
      end
    end

    # The final and temporary paths of the next dump. Timestamps increase strictly within a
    # process (two dumps in one millisecond, or a clock stepped back, get the next free one).
    def next_paths(dir)
      ms = (Time.now.to_r * 1000).floor
      ms = @last_ms + 1 if @last_ms && ms <= @last_ms
      loop do
        name = file_name(Process.pid, Time.at(Rational(ms, 1000)))
        path = File.join(dir, name)
        unless File.exist?(path)
          @last_ms = ms
          return [path, File.join(dir, ".#{name}.tmp")]
        end
        ms += 1
      end
    end

    # "USR2", :usr2, "SIGUSR2" → "USR2"; nil, false, "", "off" → nil.
    def signal_name(signal)
      return nil if signal.nil? || signal == false
      name = signal.to_s.strip.upcase.sub(/\ASIG/, "")
      return nil if name.empty? || name == "OFF"
      unless Signal.list.key?(name) && name != "EXIT"
        raise ArgumentError, "RetentionDumps: unknown signal #{signal.inspect} (this system knows #{Signal.list.keys.sort.join(' ')})"
      end
      name
    end

    def trap_signal(name)
      uninstall if @signal && @signal != name
      return if name.nil?
      previous = Signal.trap(name, HANDLER)
      # Installing again over our own handler keeps the handler we chain to.
      return if previous.equal?(HANDLER) && @signal == name
      # A Proc, or "DEFAULT"/"SYSTEM_DEFAULT"/"IGNORE"/"EXIT"/nil. Only a Proc is chained.
      @previous = previous.equal?(HANDLER) ? nil : previous
      @signal = name
      if @previous.respond_to?(:call)
        log("SIG#{name} already had a handler; it is still called, after each dump request")
      elsif @previous.is_a?(String) && !%w[DEFAULT SYSTEM_DEFAULT IGNORE].include?(@previous)
        log("SIG#{name} was #{@previous.inspect}; it now only writes heap dumps")
      end
    end

    def make_directory(dir)
      return if File.directory?(dir)
      parent = File.dirname(dir)
      make_directory(parent) unless parent == dir
      begin
        Dir.mkdir(dir, 0o700)
      rescue Errno::EEXIST
        raise unless File.directory?(dir)
      end
    end

    # Makes the rename durable. Not every system can fsync a directory; that is not an error.
    def fsync_directory(dir)
      File.open(dir, File::RDONLY) { |d| d.fsync }
    rescue SystemCallError, IOError, NotImplementedError
      nil
    end

    def human_size(bytes)
      units = %w[B kB MB GB TB]
      size = bytes.to_f
      unit = 0
      while size >= 1000 && unit < units.size - 1
        size /= 1000
        unit += 1
      end
      unit.zero? ? "#{bytes} B" : format("%.1f %s", size, units[unit])
    end

    # One line, one write, so that lines from several threads do not interleave.
    def log(message)
      $stderr.write("[retention] #{message}\n")
    rescue StandardError
      nil # a closed or broken $stderr must not break the app
    end
  end

  # Configure from the environment now, unless told not to. Never let a bad setting stop the app.
  unless ENV["RETENTION_DUMPS"].to_s.strip.downcase == "off"
    begin
      install
    rescue StandardError => e
      log("not installed: #{e.class}: #{e.message}")
    end
  end
end
