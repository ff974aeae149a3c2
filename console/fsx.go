package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// fsNode is one file system in the tree, with its SVMs and volumes.
type fsNode struct {
	FS      types.FileSystem
	SVMs    []svmNode
	Volumes []types.Volume // OpenZFS: directly under the file system
}

type svmNode struct {
	SVM     types.StorageVirtualMachine
	Volumes []types.Volume
}

func (c *Console) fileSystems(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "File systems", "fs")
	ctx := withRemote(r.Context(), r.RemoteAddr)
	cl := c.clientsFor(r, ss)
	fss, err := fsx.NewDescribeFileSystemsPaginator(cl.fsx, &fsx.DescribeFileSystemsInput{}).NextPage(ctx)
	if err != nil {
		v.Denied, v.Data = apiMessage(err), fsPage{}
		c.render(w, "fs", v)
		return
	}
	var svms []types.StorageVirtualMachine
	if out, err := cl.fsx.DescribeStorageVirtualMachines(ctx, &fsx.DescribeStorageVirtualMachinesInput{}); err == nil {
		svms = out.StorageVirtualMachines
	} else {
		v.Denied = apiMessage(err)
	}
	var vols []types.Volume
	if out, err := cl.fsx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{}); err == nil {
		vols = out.Volumes
	} else {
		v.Denied = apiMessage(err)
	}
	tree := buildTree(fss.FileSystems, svms, vols)
	v.Data = fsPage{Tree: tree, Dirs: c.volumeDirs(ctx, ss, vols)}
	v.Deny = probeTree(ctx, cl, tree)
	c.render(w, "fs", v)
}

// fsPage is the file system tree and, by volume id, each volume's
// directory on disk when it is shown.
type fsPage struct {
	Tree []fsNode
	Dirs map[string]string
}

// volumeDirs are the volumes' directories on disk, for the root user
// only: the operator who chose the data directory. IAM users see volumes
// as the API shows them, without the server's paths.
func (c *Console) volumeDirs(ctx context.Context, ss *session, vols []types.Volume) map[string]string {
	if c.cfg.VolumeDir == nil || !strings.HasSuffix(ss.arn, ":root") {
		return nil
	}
	dirs := make(map[string]string, len(vols))
	for _, v := range vols {
		dirs[aws.ToString(v.VolumeId)] = c.cfg.VolumeDir(ctx, aws.ToString(v.VolumeId))
	}
	return dirs
}

// probeTree asks which of the page's forms the user may use: delete each
// volume, create a volume in each SVM and under each OpenZFS file system.
func probeTree(ctx context.Context, cl *clients, tree []fsNode) denials {
	p := newProber(ctx)
	del := func(v types.Volume) {
		p.ask("volume/delete "+aws.ToString(v.VolumeId), func(ctx context.Context) error {
			_, err := cl.fsx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: v.VolumeId})
			return err
		})
	}
	for _, f := range tree {
		for _, s := range f.SVMs {
			p.ask("volume/create "+aws.ToString(s.SVM.StorageVirtualMachineId), func(ctx context.Context) error {
				_, err := cl.fsx.CreateVolume(ctx, &fsx.CreateVolumeInput{Name: aws.String("probe"), VolumeType: types.VolumeTypeOntap,
					OntapConfiguration: &types.CreateOntapVolumeConfiguration{StorageVirtualMachineId: s.SVM.StorageVirtualMachineId}})
				return err
			})
			for _, v := range s.Volumes {
				del(v)
			}
		}
		if len(f.Volumes) > 0 {
			p.ask("volume/create "+aws.ToString(f.FS.FileSystemId), func(ctx context.Context) error {
				_, err := cl.fsx.CreateVolume(ctx, &fsx.CreateVolumeInput{Name: aws.String("probe"), VolumeType: types.VolumeTypeOpenzfs,
					OpenZFSConfiguration: &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: f.Volumes[0].VolumeId}})
				return err
			})
		}
		for _, v := range f.Volumes {
			del(v)
		}
	}
	return p.out
}

func buildTree(fss []types.FileSystem, svms []types.StorageVirtualMachine, vols []types.Volume) []fsNode {
	tree := make([]fsNode, len(fss))
	for i, f := range fss {
		tree[i].FS = f
		for _, s := range svms {
			if aws.ToString(s.FileSystemId) != aws.ToString(f.FileSystemId) {
				continue
			}
			n := svmNode{SVM: s}
			for _, v := range vols {
				if v.OntapConfiguration != nil && aws.ToString(v.OntapConfiguration.StorageVirtualMachineId) == aws.ToString(s.StorageVirtualMachineId) {
					n.Volumes = append(n.Volumes, v)
				}
			}
			tree[i].SVMs = append(tree[i].SVMs, n)
		}
		for _, v := range vols {
			if v.OpenZFSConfiguration != nil && aws.ToString(v.FileSystemId) == aws.ToString(f.FileSystemId) {
				tree[i].Volumes = append(tree[i].Volumes, v)
			}
		}
	}
	return tree
}

// createVolume takes the form's fields to CreateVolume as they are: the
// API validates them and its message is shown.
func (c *Console) createVolume(w http.ResponseWriter, r *http.Request, ss *session) {
	in := &fsx.CreateVolumeInput{Name: aws.String(r.PostFormValue("name"))}
	if parent := r.PostFormValue("parent"); parent != "" {
		in.VolumeType = types.VolumeTypeOpenzfs
		in.OpenZFSConfiguration = &types.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(parent)}
	} else {
		mb, _ := strconv.ParseInt(r.PostFormValue("size_mb"), 10, 64)
		in.VolumeType = types.VolumeTypeOntap
		in.OntapConfiguration = &types.CreateOntapVolumeConfiguration{
			StorageVirtualMachineId: aws.String(r.PostFormValue("svm")),
			JunctionPath:            aws.String(r.PostFormValue("junction")),
			SizeInBytes:             aws.Int64(mb << 20),
		}
	}
	out, err := c.clientsFor(r, ss).fsx.CreateVolume(withRemote(r.Context(), r.RemoteAddr), in)
	msg := ""
	if err == nil {
		msg = "Creating volume " + aws.ToString(out.Volume.VolumeId)
	}
	back(w, r, "", msg, err)
}

func (c *Console) deleteVolume(w http.ResponseWriter, r *http.Request, ss *session) {
	id := r.PostFormValue("volume")
	in := &fsx.DeleteVolumeInput{VolumeId: aws.String(id)}
	if r.PostFormValue("type") == string(types.VolumeTypeOntap) {
		in.OntapConfiguration = &types.DeleteVolumeOntapConfiguration{SkipFinalBackup: aws.Bool(true)}
	}
	_, err := c.clientsFor(r, ss).fsx.DeleteVolume(withRemote(r.Context(), r.RemoteAddr), in)
	back(w, r, "", "Deleting volume "+id, err)
}

// volRow is what the "volume" template gets: a volume, the form token,
// why its Delete is refused, if it is, and its directory on disk, if shown.
type volRow struct {
	V                  types.Volume
	CSRF, Refused, Dir string
}

func init() {
	funcs["vol"] = func(v types.Volume, csrf string, d denials, dirs map[string]string) volRow {
		id := aws.ToString(v.VolumeId)
		return volRow{v, csrf, d["volume/delete "+id], dirs[id]}
	}
}
