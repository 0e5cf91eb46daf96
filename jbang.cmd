@echo off
rem jbang.cmd - the Windows twin of ./jbang (read that file for the why), for cmd.exe,
rem PowerShell and Git Bash:   jbang lesson01    jbang path\to\Script.java args...
rem  - a jbang installed on PATH is used as it is;
rem  - else the JBang pinned in .jbang\jbang-cli.lock is fetched once from Maven Central into
rem    .jbang\cache\ by .jbang\Bootstrap.java, and later runs start from there, offline;
rem  - the course needs Java 21+: if JAVA_HOME / PATH has an older JDK, an installed 21+ is
rem    looked for and set as JAVA_HOME (JBang itself looks only at JAVA_HOME and PATH).
setlocal EnableExtensions DisableDelayedExpansion

set "SELF=%~f0"
set "ROOT=%~dp0"
set "CACHE=%~dp0.jbang\cache"
set "LOCK=%~dp0.jbang\jbang-cli.lock"

rem --- A real jbang on PATH wins (not this file, nor a copy of it in another clone).
set "REAL="
for /f "delims=" %%J in ('where jbang 2^>nul') do if not defined REAL call :real_jbang "%%J"
if not defined REAL goto :find_jdk
call "%REAL%" %*
exit /b %ERRORLEVEL%

rem --- The JDK JBang would use by itself (JAVA_HOME, else java on PATH), if it is 21+;
rem     else the newest installed JDK 21+; else whatever JDK there is (JBang then downloads
rem     a JDK for scripts that declare //JAVA 21+).
:find_jdk
set "FIRST=%JAVA_HOME%"
if not defined FIRST for /f "delims=" %%J in ('where java 2^>nul') do if not defined FIRST set "FIRST=%%~dpJ.."
set "JH=" & set "JV=" & set "JM="
if defined FIRST call :consider "%FIRST%"
if defined JM if %JM% GEQ 21 goto :have_jdk
if defined JBANG_CACHE_DIR (set "JBANG_JDKS=%JBANG_CACHE_DIR%\jdks") else if defined JBANG_DIR (set "JBANG_JDKS=%JBANG_DIR%\cache\jdks") else set "JBANG_JDKS=%USERPROFILE%\.jbang\cache\jdks"
for %%B in ("%ProgramFiles%\Java" "%ProgramFiles%\Eclipse Adoptium" "%ProgramFiles%\Microsoft" "%ProgramFiles%\Zulu" "%USERPROFILE%\.jdks" "%JBANG_JDKS%") do call :scan "%%~B"
if not defined JM goto :no_jdk
if %JM% LSS 11 goto :no_jdk
if %JM% LSS 21 goto :have_jdk
set "JAVA_HOME=%JH%"
set "PATH=%JH%\bin;%PATH%"
goto :have_jdk
:no_jdk
echo [jbang wrapper] No JDK 11 or newer found. Install a JDK 21 or newer (e.g. https://adoptium.net), or set JAVA_HOME to one. 1>&2
exit /b 1

:have_jdk
set "JAVA=%JH%\bin\java.exe"

rem --- JBang's classpath, as the last bootstrap left it; missing or out of date -> bootstrap.
fc /b "%LOCK%" "%CACHE%\installed.lock" >nul 2>&1
if errorlevel 1 goto :bootstrap
call :read_classpath
if not errorlevel 1 goto :run
:bootstrap
"%JAVA%" "%ROOT%.jbang\Bootstrap.java" "%LOCK%" "%CACHE%"
if errorlevel 1 exit /b 1
call :read_classpath
if not errorlevel 1 goto :run
echo [jbang wrapper] Bootstrap left no usable "%CACHE%\classpath" 1>&2
exit /b 1

rem --- JBang's own JVM: C1 only, AppCDS on JDK 19+, unified logging off because its
rem     default output is stdout, which holds the command to run (see ./jbang).
:run
set "JOPTS=-XX:TieredStopAtLevel=1 -Xlog:disable"
if %JM% GEQ 19 set JOPTS=%JOPTS% "-XX:SharedArchiveFile=%CACHE%\%FIRST_JAR%-java%JV%.jsa" -XX:+AutoCreateSharedArchive

rem --- JBang's launcher protocol: exit code 255 means "run the command line I printed".
set "JBANG_RUNTIME_SHELL=cmd"
set "JBANG_LAUNCH_CMD=%SELF%"
rem (timeout fails when stdin is redirected)
timeout /t 0 >nul 2>&1
if errorlevel 1 (set "JBANG_STDIN_NOTTY=true") else (set "JBANG_STDIN_NOTTY=false")
if not defined JBANG_NO_VERSION_CHECK set "JBANG_NO_VERSION_CHECK=true"
rem UTF-8 while JBang writes, and we read, that command line (e.g. C:\Users\José\.jbang).
for /f "tokens=2 delims=:." %%G in ('chcp') do set /a "CODEPAGE=%%G"
chcp 65001 >nul
set "OUT=%CACHE%\%RANDOM%%RANDOM%.jbang.tmp"
"%JAVA%" %JOPTS% %JBANG_JAVA_OPTIONS% -classpath "%CP%" dev.jbang.Main %* > "%OUT%"
set "ERR=%ERRORLEVEL%"
if not "%ERR%"=="255" goto :pass_output
set "CMDLINE="
for /f "usebackq delims=" %%L in ("%OUT%") do if not defined CMDLINE set "CMDLINE=%%L"
del /f /q "%OUT%"
%CMDLINE%
set "ERR=%ERRORLEVEL%"
goto :finish
:pass_output
type "%OUT%"
del /f /q "%OUT%"
:finish
chcp %CODEPAGE% >nul
exit /b %ERR%

rem --- Subroutines -------------------------------------------------------------

:real_jbang
rem Sets REAL to %1 if it is a runnable jbang, unless it is this wrapper or a copy of it
rem (in another clone, say): those sit next to a .jbang\jbang-cli.lock.
if /i not "%~x1"==".cmd" if /i not "%~x1"==".bat" if /i not "%~x1"==".exe" exit /b 0
if /i "%~f1"=="%SELF%" exit /b 0
if exist "%~dp1.jbang\jbang-cli.lock" exit /b 0
set "REAL=%~1"
exit /b 0

:scan
rem Considers every folder in %1 (listed with dir rather than "for /d": that also works in
rem Wine's cmd, which is where this file was tested).
for /f "delims=" %%D in ('dir /b /ad "%~1" 2^>nul') do call :consider "%~1\%%D"
exit /b 0

:consider
rem If %1 is a JDK (has javac) of a higher major version than JM, makes it JH / JV / JM.
if not exist "%~1\bin\javac.exe" exit /b 0
if not exist "%~1\release" exit /b 0
set "V=" & set "M="
for /f "usebackq tokens=1,* delims==" %%A in ("%~1\release") do if "%%A"=="JAVA_VERSION" set "V=%%~B"
if not defined V exit /b 0
for /f "tokens=1,2 delims=.-+_" %%A in ("%V%") do (
  set "M=%%A"
  if "%%A"=="1" set "M=%%B"
)
if defined JM if %M% LEQ %JM% exit /b 0
for %%H in ("%~1") do set "JH=%%~fH"
set "JV=%V%" & set "JM=%M%"
exit /b 0

:read_classpath
rem Sets CP (and FIRST_JAR, for the CDS archive's name) from .jbang\cache\classpath;
rem fails if a jar it lists is missing.
set "CP=" & set "FIRST_JAR="
if not exist "%CACHE%\classpath" exit /b 1
for /f "usebackq delims=" %%J in ("%CACHE%\classpath") do (
  if not exist "%CACHE%\%%J" exit /b 1
  if not defined FIRST_JAR set "FIRST_JAR=%%~nJ"
  call set "CP=%%CP%%;%CACHE%\%%J"
)
if not defined CP exit /b 1
set "CP=%CP:~1%"
exit /b 0
