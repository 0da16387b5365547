# frozen_string_literal: true
#
# Tests for retention_dumps.rb. Run: ruby Examples/ruby/test_retention_dumps.rb
# (minitest ships with Ruby 2.7 to 3.4 as a bundled gem, so do not pass --disable-gems.)
# Each test dumps this small process's heap (about 2 MB, some milliseconds).

ENV["RETENTION_DUMPS"] = "off" # load the module without its automatic install; each test installs
require_relative "retention_dumps"
require "minitest/autorun"
require "minitest/mock"
require "json"
require "rbconfig"
require "fileutils"
require "stringio"
require "tmpdir"

class RetentionDumpsTest < Minitest::Test
  HELPER = File.expand_path("retention_dumps.rb", __dir__)

  def setup
    @dir = Dir.mktmpdir("retention-dumps-test")
    @log = StringIO.new
    @stderr = $stderr
    $stderr = @log
  end

  def teardown
    RetentionDumps.uninstall
    $stderr = @stderr
    FileUtils.remove_entry(@dir) if @dir && File.exist?(@dir)
  end

  # Polls until the block is true; fails after `timeout` seconds rather than hanging.
  def wait_for(what, timeout: 20)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    until yield
      flunk("timed out after #{timeout} s waiting for #{what}; log:\n#{@log.string}") if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
      sleep 0.02
    end
  end

  def dumps(dir = @dir)
    Dir.children(dir).grep(RetentionDumps::FILE_NAME).sort.map { |name| File.join(dir, name) }
  end

  def leftovers(dir = @dir)
    Dir.children(dir).grep(/\.tmp\z/)
  end

  # A whole dump: ends in a newline, and its first and last lines are JSON objects.
  def assert_complete_dump(path)
    data = File.binread(path)
    assert data.end_with?("\n"), "#{path} ends in a newline"
    lines = data.lines
    assert_kind_of Hash, JSON.parse(lines.first)
    assert_kind_of Hash, JSON.parse(lines.last)
    assert lines.any? { |l| l.include?('"type":"ROOT"') }, "#{path} has ROOT records"
  end

  def test_file_name_pattern
    time = Time.utc(2025, 3, 1, 10, 15, 7, 123_999) # microseconds: milliseconds are cut, not rounded
    assert_equal "heap-4242-20250301T101507.123Z.json", RetentionDumps.file_name(4242, time)
    assert_equal "heap-4242-20250301T101507.123Z.json", RetentionDumps.file_name(4242, time.getlocal("+05:30"))
    m = RetentionDumps::FILE_NAME.match("heap-4242-20250301T101507.123Z.json")
    assert_equal %w[4242 20250301T101507.123Z], m.captures
    refute_match RetentionDumps::FILE_NAME, ".heap-4242-20250301T101507.123Z.json.tmp"
  end

  def test_dump_returns_the_path_of_a_complete_dump
    before = Time.now.utc
    path = RetentionDumps.dump!(dir: @dir)
    after = Time.now.utc
    assert_equal [path], dumps
    assert_equal @dir, File.dirname(path)
    pid, stamp = RetentionDumps::FILE_NAME.match(File.basename(path)).captures
    assert_equal Process.pid, Integer(pid)
    # The stamp is the UTC time of the dump, to the millisecond.
    assert_operator stamp, :>=, before.strftime("%Y%m%dT%H%M%S.%LZ")
    assert_operator stamp, :<=, after.strftime("%Y%m%dT%H%M%S.%LZ")
    assert_complete_dump(path)
    assert_equal 0o600, File.stat(path).mode & 0o777
    assert_empty leftovers
    # One log line: the path, the size and the time taken.
    assert_match(/\A\[retention\] wrote #{Regexp.escape(path)} \([\d.]+ [kMG]?B\) in \d+\.\d\d s\n\z/, @log.string)
  end

  def test_missing_directories_are_created
    nested = File.join(@dir, "a", "b")
    path = RetentionDumps.dump!(dir: nested)
    assert_equal [path], dumps(nested)
  end

  def test_names_are_unique_and_in_order
    paths = Array.new(5) { RetentionDumps.dump!(dir: @dir) }
    assert_equal paths, dumps
    assert_equal 5, paths.uniq.size
  end

  # Two dumps in one millisecond, a clock stepped back, or a file left by an earlier process
  # with the same pid (a restarted container's pid 1): names stay distinct and increasing.
  def test_names_stay_unique_when_the_clock_stands_still
    frozen = Time.utc(2025, 3, 1, 10, 15, 7, 500_000)
    RetentionDumps.instance_variable_set(:@last_ms, nil) # forget the real-time dumps of other tests
    File.write(File.join(@dir, "heap-#{Process.pid}-20250301T101507.500Z.json"), "{}\n") # taken
    paths = Time.stub(:now, frozen) { Array.new(3) { RetentionDumps.dump!(dir: @dir) } }
    stamps = paths.map { |p| RetentionDumps::FILE_NAME.match(File.basename(p))[2] }
    assert_equal %w[20250301T101507.501Z 20250301T101507.502Z 20250301T101507.503Z], stamps
    earlier = Time.stub(:now, frozen - 60) { RetentionDumps.dump!(dir: @dir) }
    assert_equal "20250301T101507.504Z", RetentionDumps::FILE_NAME.match(File.basename(earlier))[2]
    assert_equal "{}\n", File.read(File.join(@dir, "heap-#{Process.pid}-20250301T101507.500Z.json"))
  end

  # The dump is written under a dot-named temporary name in the same directory, complete when
  # it is renamed, and never visible under its final name before.
  def test_written_to_a_temporary_name_then_renamed
    renames = []
    original = File.method(:rename)
    path = File.stub(:rename, lambda { |from, to|
      renames << [from, to, File.exist?(to), File.binread(from).end_with?("\n"), leftovers]
      original.call(from, to)
    }) { RetentionDumps.dump!(dir: @dir) }
    assert_equal 1, renames.size
    from, to, existed, complete, tmp_files = renames.first
    assert_equal path, to
    assert_equal @dir, File.dirname(from)
    assert_equal ".#{File.basename(path)}.tmp", File.basename(from)
    refute existed, "the final name does not exist before the rename"
    assert complete, "the temporary file is complete when renamed"
    assert_equal [File.basename(from)], tmp_files
    assert_empty leftovers
    assert_complete_dump(path)
  end

  # A dump that fails half-way leaves nothing behind, is logged, and raises to dump!'s caller.
  def test_a_failed_dump_leaves_no_file
    failing = lambda do |output:|
      output.write(%({"type":"ROOT", "root":"vm"}\n{"address":"0x1", "ty))
      raise IOError, "disk full (simulated)"
    end
    error = ObjectSpace.stub(:dump_all, failing) do
      assert_raises(IOError) { RetentionDumps.dump!(dir: @dir) }
    end
    assert_match(/simulated/, error.message)
    assert_empty Dir.children(@dir)
    assert_match(/\[retention\] heap dump .* failed: IOError: disk full \(simulated\)/, @log.string)
  end

  # A cut-off dump (no final newline) is never renamed to a dump's name.
  def test_a_cut_off_dump_is_not_published
    cut = ->(output:) { output.write(%({"type":"ROOT", "root":"vm"}\n{"address":"0x1")) }
    ObjectSpace.stub(:dump_all, cut) do
      assert_raises(IOError) { RetentionDumps.dump!(dir: @dir) }
    end
    assert_empty Dir.children(@dir)
    assert_match(/cut off/, @log.string)
  end

  # Failures in the background thread are logged, never raised, and the thread lives on.
  def test_signal_dump_errors_are_logged_not_raised
    RetentionDumps.install(dir: @dir, signal: "USR2")
    ObjectSpace.stub(:dump_all, ->(output:) { raise "boom" }) do
      Process.kill("USR2", Process.pid)
      wait_for("the failure to be logged") { @log.string.include?("RuntimeError: boom") }
    end
    assert_empty Dir.children(@dir)
    Process.kill("USR2", Process.pid)
    wait_for("a dump after the failure") { dumps.size == 1 }
  end

  def test_three_quick_signals_give_three_dumps
    RetentionDumps.install(dir: @dir, signal: "USR2")
    3.times { Process.kill("USR2", Process.pid) }
    wait_for("3 dumps") { dumps.size == 3 }
    sleep 0.3
    assert_equal 3, dumps.size, "exactly 3"
    dumps.each { |path| assert_complete_dump(path) }
    assert_empty leftovers
    assert_equal 3, @log.string.scan(/\[retention\] wrote /).size
  end

  # Signals from another process, sent while a dump is being written, are queued, not lost.
  def test_signals_during_a_dump_are_queued
    RetentionDumps.install(dir: @dir, signal: "USR2")
    ballast = Array.new(300_000) { |i| "ballast #{i}" } # makes each dump take a while
    pid = Process.spawn("sh", "-c", "for i in 1 2 3 4; do kill -USR2 #{Process.pid}; sleep 0.05; done")
    Process.wait(pid)
    wait_for("4 dumps", timeout: 60) { dumps.size == 4 }
    dumps.each { |path| assert_complete_dump(path) }
    assert_equal 300_000, ballast.size
  end

  def test_the_previous_handler_is_chained
    calls = []
    old = Signal.trap("USR2") { |signo| calls << [signo, dumps.size] }
    begin
      RetentionDumps.install(dir: @dir, signal: "USR2")
      RetentionDumps.install(dir: @dir, signal: "USR2") # twice: must not chain to itself
      Process.kill("USR2", Process.pid)
      wait_for("a dump") { dumps.size == 1 }
      wait_for("the previous handler") { calls.size == 1 }
      assert_equal Signal.list["USR2"], calls.first[0]
      sleep 0.2
      assert_equal 1, calls.size, "called once per signal"
      assert_match(/SIGUSR2 already had a handler/, @log.string)
      # uninstall gives the signal back to the previous handler.
      RetentionDumps.uninstall
      Process.kill("USR2", Process.pid)
      wait_for("the previous handler alone") { calls.size == 2 }
      sleep 0.2
      assert_equal 1, dumps.size
    ensure
      Signal.trap("USR2", old)
    end
  end

  def test_a_previous_lambda_without_parameters_is_chained
    called = 0
    old = Signal.trap("USR2", -> { called += 1 })
    begin
      RetentionDumps.install(dir: @dir, signal: "USR2")
      Process.kill("USR2", Process.pid)
      wait_for("the previous lambda") { called == 1 }
      wait_for("a dump") { dumps.size == 1 }
    ensure
      Signal.trap("USR2", old)
    end
  end

  def test_other_signals_and_off
    RetentionDumps.install(dir: @dir, signal: :urg)
    assert_equal "URG", RetentionDumps.signal
    Process.kill("URG", Process.pid)
    wait_for("a dump on SIGURG") { dumps.size == 1 }
    RetentionDumps.install(dir: @dir, signal: "off")
    assert_nil RetentionDumps.signal
    assert_raises(ArgumentError) { RetentionDumps.install(dir: @dir, signal: "NOPE") }
  end

  # Threads do not survive fork: the child starts its own dump thread and names files with its pid.
  def test_a_forked_child_dumps_with_its_own_pid
    skip "fork is not available here" unless Process.respond_to?(:fork)
    RetentionDumps.install(dir: @dir, signal: "USR2")
    RetentionDumps.dump!(dir: @dir) # the parent's dump thread and lock have been used
    child = fork do
      ok = false
      begin
        Process.kill("USR2", Process.pid)
        deadline = Time.now + 20
        sleep 0.02 until Dir.children(@dir).any? { |n| n.start_with?("heap-#{Process.pid}-") } || Time.now > deadline
        ok = Dir.children(@dir).any? { |n| n.start_with?("heap-#{Process.pid}-") }
        ok &&= RetentionDumps.dump!(dir: @dir).include?("heap-#{Process.pid}-")
      rescue Exception => e # report anything, and never run the parent's minitest at_exit
        @stderr.puts("child: #{e.class}: #{e.message}")
      end
      exit!(ok ? 0 : 1)
    end
    _, status = Process.wait2(child)
    assert status.success?, "the child wrote its dumps; log: #{@log.string}"
    pids = dumps.map { |p| Integer(RetentionDumps::FILE_NAME.match(File.basename(p))[1]) }
    assert_equal 1, pids.count(Process.pid)
    assert_equal 2, pids.count(child)
    dumps.each { |path| assert_complete_dump(path) }
    # The parent's thread still works after the fork.
    Process.kill("USR2", Process.pid)
    wait_for("the parent's dump") { dumps.size == 4 }
  end

  def test_every
    thread = RetentionDumps.every(seconds: 0.1, count: 3, delay: 0, dir: @dir)
    assert thread.join(30), "every finished"
    assert_equal 3, dumps.size
    assert_raises(ArgumentError) { RetentionDumps.every(seconds: 0, count: 1) }
  end

  # The environment variables, in fresh processes (they are read at require time).
  def run_ruby(env, code)
    out = IO.popen(env, [RbConfig.ruby, "--disable-gems", "-r#{HELPER}", "-e", code], err: %i[child out], &:read)
    [out, $?]
  end

  def test_environment
    base = { "RETENTION_DUMPS" => nil, "RETENTION_TRACE" => nil, "RETENTION_DUMP_DIR" => @dir, "RETENTION_DUMP_SIGNAL" => nil }

    out, status = run_ruby(base.merge("RETENTION_TRACE" => "1"),
                           'p [RetentionDumps.signal, RetentionDumps.dir, RetentionDumps.tracing?, ObjectSpace.allocation_sourcefile(Object.new)]')
    assert status.success?, out
    assert_includes out, %(["USR2", #{@dir.inspect}, true, "-e"])
    assert_match(/\A\[retention\] pid \d+: kill -USR2 \d+ writes a heap dump to #{Regexp.escape(@dir)} \(allocation tracing on\)$/, out)

    out, status = run_ruby(base, 'p [RetentionDumps.tracing?, ObjectSpace.allocation_sourcefile(Object.new)]')
    assert status.success?, out
    assert_includes out, "[false, nil]"
    assert_includes out, "allocation tracing OFF"

    out, status = run_ruby(base.merge("RETENTION_DUMPS" => "off", "RETENTION_TRACE" => "1"),
                           'p [RetentionDumps.signal, RetentionDumps.tracing?, Signal.trap("USR2", "DEFAULT")]')
    assert status.success?, out
    assert_equal %([nil, false, "DEFAULT"]\n), out, "off: silent, no trace, no trap"

    out, status = run_ruby(base.merge("RETENTION_DUMP_SIGNAL" => "off"), "p RetentionDumps.signal")
    assert status.success?, out
    assert_match(/RetentionDumps\.dump! writes/, out)

    # A bad setting is logged; the program still runs.
    out, status = run_ruby(base.merge("RETENTION_DUMP_SIGNAL" => "BOGUS"), 'puts "app ran"')
    assert status.success?, out
    assert_includes out, "[retention] not installed: ArgumentError"
    assert_includes out, "app ran"

    # kill -USR2 from outside, in a fresh process: the file appears, the program goes on.
    out, status = run_ruby(base, <<~RUBY)
      Process.kill("USR2", Process.pid)
      sleep 0.05 until Dir.children(#{@dir.inspect}).any? { |n| n.end_with?(".json") }
      puts "alive"
    RUBY
    assert status.success?, out
    assert_includes out, "alive"
    assert_equal 1, dumps.size
  end
end
