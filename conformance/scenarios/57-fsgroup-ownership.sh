# fsGroup ownership (issue 9; upstream test/e2e/common/storage/{empty_dir,configmap_volume,secrets_volume,projected_*}.go
# "with FSGroup", "with defaultMode and fsGroup set"): with runAsUser 1000 and fsGroup 2000 the container runs with
# group 2000, an emptyDir's root and new directories are setgid group 2000 (files inherit the group), configMap,
# secret and projected files are group 2000 and group-readable (secret defaultMode 0400 becomes 0440), as the
# kubelet's SetVolumeOwnership leaves them; a projected service account token is 0600 and owned by the pod's user
# when every container runs as it (upstream "should set ownership and permission when RunAsUser or FsGroup is
# present"). Local image only; results read with `kubectl logs`.
k create ns "$NS" >/dev/null

cat > "$DATA_DIR/57-pod.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a.conf: alpha}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: owned}
spec:
  restartPolicy: Never
  securityContext: {runAsUser: 1000, fsGroup: 2000}
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command:
    - sh
    - -c
    - |
      echo "groups: \$(id -G)"
      mkdir /scratch/d && echo x > /scratch/d/f
      ls -ldn /scratch /scratch/d /scratch/d/f | awk '{print "ls", \$1, \$3, \$4, \$NF}'
      stat -L -c 'stat %a %g %n' /cfg /cfg/a.conf /sec /sec/password /all /all/a.conf /all/password
      echo "secret=\$(cat /sec/password)"
      stat -L -c 'token %a %u %g' /tok/token
    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: cfg, mountPath: /cfg}, {name: sec, mountPath: /sec}, {name: all, mountPath: /all}, {name: tok, mountPath: /tok}]
  volumes:
  - {name: scratch, emptyDir: {}}
  - {name: cfg, configMap: {name: cfg}}
  - {name: sec, secret: {secretName: sec, defaultMode: 0400}}
  - name: all
    projected: {sources: [{configMap: {name: cfg}}, {secret: {name: sec}}]}
  - name: tok
    projected: {sources: [{serviceAccountToken: {path: token}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tokuser}
spec:
  restartPolicy: Never
  securityContext: {runAsUser: 1000}
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'stat -L -c "token %a %u %g" /tok/token; echo "reads \$(head -c 3 /tok/token)"']
    volumeMounts: [{name: tok, mountPath: /tok}]
  volumes:
  - name: tok
    projected: {defaultMode: 0644, sources: [{serviceAccountToken: {path: token}}]}
YAML
expect "kubectl apply configMap, secret and pods" 0 'pod/tokuser created' -- k -n "$NS" apply -f "$DATA_DIR/57-pod.yaml"
eventually "the pod completes" 60 '^Succeeded$' -- k -n "$NS" get pod owned -o 'jsonpath={.status.phase}'
expect "the container runs with the fsGroup as a supplementary group" 0 '^groups: .*\b2000\b' -- k -n "$NS" logs owned
expect "ls -ln: the emptyDir root is drwxrwsrwx group 2000" 0 '^ls drwxrwsrwx 0 2000 /scratch$' -- k -n "$NS" logs owned
expect "ls -ln: a new directory inherits group 2000 and setgid, a new file group 2000" 0 '^ls d.....s... 1000 2000 /scratch/d$' -- k -n "$NS" logs owned
expect "ls -ln: the new file is the user's, group 2000" 0 '^ls -rw-r--r-- 1000 2000 /scratch/d/f$' -- k -n "$NS" logs owned
expect "configMap: setgid dir group 2000, file 0644 group 2000" 0 '^stat 2755 2000 /cfg$' -- k -n "$NS" logs owned
expect "configMap file in group 2000" 0 '^stat 644 2000 /cfg/a.conf$' -- k -n "$NS" logs owned
expect "secret: defaultMode 0400 becomes group-readable 0440, group 2000" 0 '^stat 440 2000 /sec/password$' -- k -n "$NS" logs owned
expect "projected files in group 2000" 0 '^stat 644 2000 /all/password$' -- k -n "$NS" logs owned
expect "the non-root user reads the group-readable secret" 0 '^secret=s3cret$' -- k -n "$NS" logs owned
expect "fsGroup: the projected token is 0600 plus group read, the pod user's, group 2000" 0 '^token 640 1000 2000$' -- k -n "$NS" logs owned
eventually "runAsUser alone: the token pod completes" 60 '^Succeeded$' -- k -n "$NS" get pod tokuser -o 'jsonpath={.status.phase}'
expect "runAsUser alone: the projected token is 0600 and owned by that user (defaultMode notwithstanding)" 0 '^token 600 1000 0$' -- k -n "$NS" logs tokuser
expect "runAsUser alone: the non-root user reads its token" 0 '^reads eyJ$' -- k -n "$NS" logs tokuser
