# Sourced by the bench scripts that need S3: starts s3proxy (the jar the s3 module's tests use) on a
# free loopback port, its objects in DIR/store (filesystem provider, bucket `bench` made), or in its
# own memory with S3PROXY_PROVIDER=transient, and points the AWS SDK and CLI at it.
# s3proxy_start DIR [HEAP]: sets S3PROXY_PORT and S3PROXY_PID; exits the script if it does not answer.
s3proxy_start() {
  local dir=$1 heap=${2:-1g}
  S3PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir/store/bench"
  cat >"$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3PROXY_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=${S3PROXY_PROVIDER:-filesystem}
jclouds.filesystem.basedir=$dir/store
jclouds.identity=bench
jclouds.credential=bench-secret
PROPS
  ./mvnw -B -q -pl s3 -am process-test-resources -Dspotless.apply.skip=true >/dev/null
  "$JAVA_HOME/bin/java" "-Xmx$heap" -jar s3/target/s3proxy/s3proxy.jar \
    --properties "$dir/s3proxy.properties" >"$dir/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  for _ in $(seq 150); do
    curl -s -o /dev/null "http://127.0.0.1:$S3PROXY_PORT/" && break
    sleep 0.2
  done
  curl -s -o /dev/null "http://127.0.0.1:$S3PROXY_PORT/" || { cat "$dir/s3proxy.log" >&2; exit 1; }
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
  export AWS_ENDPOINT_URL="http://127.0.0.1:$S3PROXY_PORT"
}
